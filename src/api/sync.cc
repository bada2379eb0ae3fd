#include "lakota/api/sync.h"

#include <map>
#include <mutex>
#include <set>

#include "lakota/error.h"
#include "common/thread_pool.h"
#include "state.h"

namespace lakota {
namespace {

constexpr size_t kWorkers = 8;

class Syncer {
 public:
  Syncer(Repo& dst, const SyncOptions& options, SyncReport& report)
      : dst_(dst), options_(options), report_(report), dst_segments_(dst.pod()) {}

  // Copies the revisions of `from` (all, or its heads when shallow) that folder `to_path`
  // of the destination lacks, each after the segments it references.
  void copy_history(const CollectionState& from, const std::string& to_path) {
    const Schema& schema = *from.schema;
    History h = from.changelog.history();
    std::vector<Revision> revs = options_.shallow ? h.heads() : h.log();
    std::set<std::string> present;
    for (auto& name : dst_.pod()->ls(to_path)) present.insert(std::move(name));
    std::vector<std::pair<Revision, std::string>> missing;  // with their payloads
    for (const auto& rev : revs)
      if (!present.count(rev.path())) missing.emplace_back(rev, std::string());
    size_t workers = std::max({kWorkers, from.pod->parallelism(), dst_.pod()->parallelism()});
    parallel_for(missing.size(), workers, [&](size_t i) { missing[i].second = from.changelog.read(missing[i].first); });
    std::map<std::string, SegmentRef> needed;
    for (const auto& [rev, payload] : missing) {
      Commit c = Commit::decode(from.schema, payload, from.changelog.pod()->uri() + "/" + rev.path());
      for (size_t r = 0; r < c.size(); ++r) {
        for (size_t k = 0; k < schema.size(); ++k) {
          const std::string& d = c.digest(r, k);
          if (!c.embedded_data(d)) needed.emplace(d, SegmentRef{d, &schema[k], size_t(c.length(r))});
        }
      }
    }
    std::vector<SegmentRef> refs;
    for (auto& [d, ref] : needed) refs.push_back(ref);
    std::string owner = "collection '" + from.label + "'";
    std::atomic<size_t> done{0};
    parallel_for(refs.size(), workers, [&](size_t i) {
      copy_segment(from, refs[i], owner);
      tick("copying segments of " + from.label, ++done, refs.size());
    });
    // A gc at the destination may have buried what was copied (nothing referenced it yet):
    // every segment is there again just before the revisions (copied anew if gc deleted
    // it), and restored just after, as a writer's commit does.
    parallel_for(refs.size(), workers, [&](size_t i) {
      if (!dst_segments_.restore(refs[i].digest)) copy_segment(from, refs[i], owner);
    });
    // Parents before children: an interrupted copy leaves a history whose every revision
    // has its segments, and the next pull goes on from there.
    for (const auto& [rev, payload] : missing) {
      if (dst_.pod()->write(to_path + "/" + rev.path(), payload)) {
        std::lock_guard lock(mu_);
        ++report_.revisions;
        report_.bytes += payload.size();
      }
    }
    parallel_for(refs.size(), workers, [&](size_t i) { dst_segments_.restore(refs[i].digest); });
  }

  void copy_tags(const CollectionState& from, const std::string& to_path, const std::string& label) {
    Tags theirs(from.pod, from.path), ours(dst_.pod(), to_path);
    std::set<std::string> names;
    for (const auto& name : dst_.pod()->ls(to_path)) names.insert(name);
    for (const auto& t : theirs.list()) {
      auto mine = ours.find(t.name);
      if (mine) {
        if (*mine != t.revision)
          report_.warnings.push_back("tag '" + t.name + "' of collection '" + label + "' names revision " + *mine +
                                     " here and " + t.revision + " there: kept " + *mine);
        continue;
      }
      if (!names.count(t.revision)) continue;  // not copied (a shallow pull)
      ours.add(t.name, t.revision, label);
      ++report_.tags;
    }
  }

  void tick(const std::string& stage, uint64_t done, uint64_t total) {
    if (options_.progress) options_.progress(stage, done, total);
  }

 private:
  void copy_segment(const CollectionState& from, const SegmentRef& ref, const std::string& owner) {
    std::string path = Segments::path_of(ref.digest);
    if (auto loc = dst_segments_.locate(ref.digest)) {
      if (*loc != path) {
        if (dst_segments_.restore(ref.digest)) {
          std::lock_guard lock(mu_);
          ++report_.restored;
          return;
        }  // deleted meanwhile: copy it
      } else {
        // A file cut short (a copy in place that was interrupted) is replaced; `verify`
        // checks the digests of every file.
        auto mine = dst_.pod()->size(path);
        auto theirs = from.pod->size(path);
        if (mine && (!theirs || *mine == *theirs)) return;
        if (!mine && dst_segments_.restore(ref.digest)) return;  // buried meanwhile
      }
    }
    BlobPtr bytes = from.segments.read(ref.digest, owner);
    if (!Segments::holds(ref, bytes->bytes()))
      throw CorruptData(owner + ": segment " + from.pod->uri() + "/" + path +
                        " does not hold what its revisions say (damaged); it was not copied");
    bool replaced = dst_.pod()->exists(path);
    dst_segments_.write(ref, bytes->bytes());
    std::lock_guard lock(mu_);
    ++(replaced ? report_.repaired : report_.segments);
    report_.bytes += bytes->bytes().size();
  }

  Repo& dst_;
  const SyncOptions& options_;
  SyncReport& report_;
  Segments dst_segments_;
  std::mutex mu_;
};

// "timestamp datetime64[s]*, value float64", as the columns of `create`.
std::string schema_text(const Schema& s) {
  std::string out;
  for (const auto& c : s.columns()) {
    if (!out.empty()) out += ", ";
    out += c.name + " " + c.dtype.name() + (c.idx ? "*" : "");
  }
  if (s.kind()) out += " (kind " + *s.kind() + ")";
  return out;
}

}  // namespace

SyncReport pull(Repo& dst, const Repo& src, const SyncOptions& options) {
  SyncReport report;
  if (src.pod()->ls().empty()) throw NotFound("no repository at " + src.pod()->uri() + ": nothing to copy");
  Syncer sync(dst, options, report);
  std::map<std::string, Collection> theirs, ours;
  for (auto& c : src.collections()) theirs.emplace(c.label(), c);
  for (auto& c : dst.collections()) ours.emplace(c.label(), c);
  std::vector<std::string> labels = options.labels;
  if (labels.empty())
    for (const auto& [l, c] : theirs) labels.push_back(l);
  // Everything that can stop the pull is checked before anything is written.
  for (const auto& l : labels) {
    auto t = theirs.find(l);
    if (t == theirs.end()) throw NotFound("collection '" + l + "' not found in " + src.pod()->uri());
    auto o = ours.find(l);
    if (o != ours.end() && !(o->second.schema() == t->second.schema())) {
      throw Conflict("collection '" + l + "' has different schemas in " + dst.pod()->uri() + " (" +
                     schema_text(o->second.schema()) + ") and " + src.pod()->uri() + " (" +
                     schema_text(t->second.schema()) + "); nothing was copied. Rename or delete it on one side, " +
                     "or name the other collections to copy");
    }
  }

  // The registry first: one head afterwards, whatever each side created or deleted.
  if (options.labels.empty()) {
    sync.copy_history(*src.registry().state(), registry_path());
    dst.registry().merge();
  }
  size_t n = 0;
  for (const auto& l : labels) {
    const Collection& from = theirs.at(l);
    std::optional<Collection> listed = dst.find(l);
    if (!listed && options.labels.empty()) continue;  // deleted on one side: the registry merge says so
    Collection to = listed ? *listed : dst.adopt_collection(l, from.schema(), from.path());
    // `to` now names the folder the destination's registry lists; the source's history
    // goes there, and so does the destination's own when the registry merge moved it.
    sync.copy_history(*from.state(), to.path());
    sync.copy_tags(*from.state(), to.path(), l);
    auto before = ours.find(l);
    if (before != ours.end() && before->second.path() != to.path()) {
      sync.copy_history(*before->second.state(), to.path());
      sync.copy_tags(*before->second.state(), to.path(), l);
    }
    if (dst.options().auto_merge) to.merge();
    ++report.collections;
    sync.tick("collections", ++n, labels.size());
  }
  return report;
}

}  // namespace lakota
