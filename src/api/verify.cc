// verify: recompute every digest of a repository (see maintenance.h).
#include <map>
#include <mutex>

#include "lakota/api/maintenance.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "common/thread_pool.h"
#include "state.h"

namespace lakota {

VerifyReport verify(const Repo& repo, const Progress& progress) {
  VerifyReport report;
  std::mutex mu;
  auto problem = [&](std::string s) {
    std::lock_guard lock(mu);
    report.problems.push_back(std::move(s));
  };
  std::vector<Collection> all{repo.registry()};
  try {
    for (auto& c : repo.listed_collections()) all.push_back(std::move(c));
  } catch (const Error& e) {
    problem(std::string("registry: ") + e.what());
  }
  // Each segment once, with what the first revision referencing it says it holds.
  struct Use {
    SegmentRef ref;
    std::string owner;
  };
  std::map<std::string, Use> segments;
  for (const auto& c : all) {
    const CollectionState& st = *c.state();
    std::string owner = c.path() == registry_path() ? "the registry"
                                                                                 : "collection '" + c.label() + "'";
    History h = st.changelog.history();
    std::vector<std::optional<Commit>> commits(h.log().size());
    parallel_for(h.log().size(), 8, [&](size_t i) {
      const Revision& rev = h.log()[i];
      std::string file = st.changelog.pod()->uri() + "/" + rev.path();
      std::string payload;
      try {
        payload = st.changelog.pod()->read(rev.path());
      } catch (const NotFound&) {
        return;  // trimmed meanwhile
      }
      {
        std::lock_guard lock(mu);
        ++report.revisions;
        report.bytes += payload.size();
      }
      if (sha1_hex(payload) != rev.child_digest()) {
        problem(owner + ": revision " + file + " does not match its sha1");
        return;
      }
      try {
        commits[i] = Commit::decode(st.schema, payload, file);
      } catch (const Error& e) {
        problem(owner + ": " + e.what());
      }
    });
    for (size_t i = 0; i < commits.size(); ++i) {
      if (!commits[i]) continue;
      const Commit& ci = *commits[i];
      for (size_t r = 0; r < ci.size(); ++r) {
        for (size_t k = 0; k < st.schema->size(); ++k) {
          const std::string& d = ci.digest(r, k);
          SegmentRef ref{d, &(*st.schema)[k], size_t(ci.length(r))};
          if (const std::string* data = ci.embedded_data(d)) {
            ++report.arrays;
            if (!Segments::holds(ref, *data))
              problem(owner + ": an array embedded in revision " + h.log()[i].path() + " does not match its digest " + d);
            continue;
          }
          segments.emplace(d, Use{ref, owner});
        }
      }
    }
    for (const auto& t : c.tags()) {
      try {
        st.resolve(t.name);
      } catch (const Error& e) {
        problem(owner + ": " + e.what());
      }
    }
  }
  std::vector<const Use*> uses;
  for (const auto& [d, use] : segments) uses.push_back(&use);
  Segments store(repo.pod());
  std::atomic<size_t> done{0};
  parallel_for(uses.size(), 4, [&](size_t i) {
    const Use& u = *uses[i];
    std::string path = Segments::path_of(u.ref.digest);
    auto where = store.locate(u.ref.digest);
    BlobPtr bytes;
    if (where) {
      try {
        bytes = repo.pod()->read_blob(*where);
      } catch (const NotFound&) {  // buried or restored by a gc meanwhile
      }
    }
    if (!bytes) {
      try {
        bytes = store.read(u.ref.digest, u.owner);
        where = store.locate(u.ref.digest);
      } catch (const CorruptData&) {
        problem(u.owner + ": segment " + repo.pod()->uri() + "/" + path + " is missing");
      }
    }
    if (bytes) {
      bool good = Segments::holds(u.ref, bytes->bytes());
      std::lock_guard lock(mu);
      ++report.segments;
      report.bytes += bytes->bytes().size();
      if (where && *where != path)
        report.notes.push_back(u.owner + ": segment " + *where + " is soft-deleted (gc restores it)");
      if (!good)
        report.problems.push_back(u.owner + ": segment " + repo.pod()->uri() + "/" + (where ? *where : path) +
                                  " does not hold what its revisions say (damaged)");
    }
    if (progress) progress("verifying segments", ++done, uses.size());
  });
  std::sort(report.problems.begin(), report.problems.end());
  return report;
}

}  // namespace lakota
