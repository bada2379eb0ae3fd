// gc: the reference's two-phase delete of unreferenced segments (see maintenance.h).
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "lakota/api/maintenance.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "common/thread_pool.h"
#include "state.h"

namespace lakota {
namespace {

constexpr size_t kWorkers = 8;

// The segments the revisions of a repository reference, and which revision files were read
// (so that a second look reads only the ones written since).
class References {
 public:
  explicit References(const Repo& repo) : repo_(repo) {}

  // Reads every revision not read yet, of the registry and of every collection a registry
  // head lists. Any revision that cannot be read stops gc: what it references is unknown.
  void update() {
    std::vector<Collection> all{repo_.registry()};
    for (auto& c : repo_.listed_collections()) all.push_back(std::move(c));
    for (const auto& c : all) {
      const CollectionState& st = *c.state();
      std::vector<Revision> todo;
      History h = st.changelog.history();
      for (const auto& rev : h.log())
        if (seen_.insert(st.path + "/" + rev.path()).second) todo.push_back(rev);
      std::mutex mu;
      parallel_for(todo.size(), kWorkers, [&](size_t i) {
        Commit commit(st.schema);
        try {
          commit = st.load_commit(todo[i]);
        } catch (const NotFound&) {
          return;  // trimmed meanwhile: it references nothing any more
        }
        std::vector<std::string> stored;
        for (const auto& d : commit.digests())
          if (!commit.embedded_data(d)) stored.push_back(d);
        std::lock_guard lock(mu);
        for (auto& d : stored) active_.insert(std::move(d));
      });
    }
  }
  const std::set<std::string>& active() const { return active_; }

 private:
  const Repo& repo_;
  std::set<std::string> seen_;
  std::set<std::string> active_;
};

bool is_hextime(const std::string& s) { return s.size() == 11 && is_lower_hex(s); }

}  // namespace

GcReport gc(const Repo& repo, const GcOptions& options) {
  GcReport report;
  Segments segments(repo.pod());
  auto tick = [&](std::string_view stage, uint64_t done, uint64_t total) {
    if (options.progress) options.progress(stage, done, total);
  };
  // Files first, references second: a segment written after the listing is not looked at,
  // and one written before is referenced by the time its revision is (commits come last).
  tick("listing segments", 0, 0);
  std::vector<SegmentFile> files = segments.list();
  report.segments = files.size();
  References refs(repo);
  tick("reading revisions", 0, 0);
  refs.update();
  const auto& active = refs.active();

  std::string now = hextime(now_ms());
  std::string deadline = hextime(now_ms() - options.timeout_ms);
  std::vector<const SegmentFile*> bury, restore, remove;
  for (const auto& f : files) {
    bool used = active.count(f.digest) > 0;
    if (f.suffix.empty()) {
      if (!used) bury.push_back(&f);
    } else if (used) {
      restore.push_back(&f);
    } else if (is_hextime(f.suffix) && f.suffix <= deadline) {
      remove.push_back(&f);  // anything else under the suffix is not ours to delete
    }
  }
  if (options.dry_run) {
    report.soft_deleted = bury.size();
    report.restored = restore.size();
    report.hard_deleted = remove.size();
    for (const auto* f : remove) report.bytes_freed += repo.pod()->size(f->path).value_or(0);
    return report;
  }
  std::atomic<size_t> done{0}, buried{0}, restored{0}, removed{0};
  std::atomic<uint64_t> freed{0};
  size_t total = bury.size() + restore.size() + remove.size();
  auto drop = [&](const SegmentFile& f) {
    uint64_t size = repo.pod()->size(f.path).value_or(0);
    if (segments.remove(f)) {
      ++removed;
      freed += size;
    }
  };
  auto act = [&](size_t i) {
    if (i < bury.size()) {
      if (segments.bury(bury[i]->digest, now)) ++buried;
    } else if (i < bury.size() + restore.size()) {
      // A write that found no live copy made one: the buried one is a duplicate.
      const SegmentFile* f = restore[i - bury.size()];
      if (repo.pod()->exists(Segments::path_of(f->digest))) drop(*f);
      else if (segments.restore(f->digest)) ++restored;
    } else {
      drop(*remove[i - bury.size() - restore.size()]);
    }
    tick("collecting", ++done, total);
  };
  std::exception_ptr failure;  // the second look below runs whatever happened here
  try {
    parallel_for(total, kWorkers, act);
  } catch (...) {
    failure = std::current_exception();
  }
  // Revisions written while gc worked may reference what it just buried: bring those back.
  refs.update();
  for (const auto* f : bury)
    if (refs.active().count(f->digest) && !repo.pod()->exists(f->path) && segments.restore(f->digest)) {
      if (buried) --buried;
      ++restored;
    }
  if (failure) std::rethrow_exception(failure);
  report.soft_deleted = buried;
  report.restored = restored;
  report.hard_deleted = removed;
  report.bytes_freed = freed;
  return report;
}

}  // namespace lakota
