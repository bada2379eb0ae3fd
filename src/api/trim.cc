// trim: drop old revisions from the start of the log (see maintenance.h).
#include <set>

#include "lakota/api/maintenance.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "common/thread_pool.h"
#include "state.h"

namespace lakota {
namespace {

// What readers see of a history: the state's content and the heads' contents.
std::pair<std::string, std::set<std::string>> outcome(const History& h) {
  std::set<std::string> heads;
  for (const auto& r : h.heads()) heads.insert(r.child_digest());
  return {h.empty() ? "" : h.state()->child_digest(), heads};
}

}  // namespace

std::vector<std::string> trim(const Collection& collection, const TrimOptions& options) {
  const CollectionState& st = *collection.state();
  std::vector<std::string> listing = *st.changelog.listing().names;
  History h = Changelog::history_of(listing);
  if (h.empty()) return {};
  std::set<std::string> tagged;
  for (const auto& t : collection.tags()) {
    try {
      tagged.insert(st.resolve(t.name).path());
    } catch (const Error&) {  // a tag whose revision is gone protects nothing
    }
  }
  // While heads diverge, their common ancestor stays too: a merge needs it to tell what
  // each head changed (without it, a row one head deleted would come back).
  std::string ancestor;
  auto heads = h.heads();
  if (heads.size() > 1)
    if (auto a = h.common_ancestor(heads)) ancestor = a->child_digest();
  const auto& log = h.log();
  int64_t before_ms = options.before_ms.value_or(now_ms() - 2 * kGcTimeoutMs);
  size_t n = 0;
  while (n < log.size()) {
    const Revision& r = log[n];
    if (r.epoch_ms() >= before_ms || r.is_head || tagged.count(r.path()) || n + 1 == log.size() ||
        r.child_digest() == ancestor)
      break;
    ++n;
  }
  // A prefix of the log leaves the rest's graph whole, but the log of what remains may
  // reach another state (its roots sort differently): drop less until it does not.
  auto expected = outcome(h);
  for (; n > 0; --n) {
    std::set<std::string> dropped;
    for (size_t i = 0; i < n; ++i) dropped.insert(log[i].path());
    std::vector<std::string> rest;
    for (const auto& name : listing)
      if (!dropped.count(name)) rest.push_back(name);
    if (outcome(Changelog::history_of(rest)) == expected) break;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(log[i].path());
  if (options.dry_run) return out;
  PodPtr folder = st.changelog.pod();
  parallel_for(out.size(), 8, [&](size_t i) { folder->rm(out[i]); });
  return out;
}

}  // namespace lakota
