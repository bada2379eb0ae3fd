// Automatic compaction: see compact.h and RepoOptions::compaction.
#include "compact.h"

#include "lakota/error.h"

namespace lakota {
namespace {

size_t tier_of(int64_t rows, size_t fanout) {
  size_t tier = 0;
  for (uint64_t n = uint64_t(std::max<int64_t>(rows, 1)); n >= fanout; n /= fanout) ++tier;
  return tier;
}

}  // namespace

std::vector<CompactionRun> plan_compaction(const std::vector<int64_t>& lengths, const CompactionOptions& options) {
  size_t fanout = std::max<size_t>(options.fanout, 2);
  struct Entry {
    CompactionRun run;
    size_t tier;
  };
  // Rows pushed left to right; whenever the last `fanout` entries share a tier, they merge
  // into one entry of a higher tier (the sum of `fanout` lengths of tier t is of tier t+1 or
  // more), which may merge again: a cascade is planned as one run, written once.
  std::vector<Entry> stack;
  for (size_t i = 0; i < lengths.size(); ++i) {
    stack.push_back({{i, i + 1, lengths[i]}, tier_of(lengths[i], fanout)});
    while (stack.size() >= fanout) {
      auto first = stack.end() - std::ptrdiff_t(fanout);
      int64_t total = 0;
      bool same = true;
      for (auto it = first; it != stack.end(); ++it) {
        total += it->run.rows;
        same = same && it->tier == first->tier;
      }
      if (!same || uint64_t(total) > options.max_rows) break;
      Entry merged{{first->run.begin, stack.back().run.end, total}, tier_of(total, fanout)};
      stack.erase(first, stack.end());
      stack.push_back(merged);
    }
  }
  // A run of empty rows (deletes) and at most one row of values is left alone: merging it
  // would rewrite nothing, or make an empty row (all empty rows of a series look alike).
  std::vector<CompactionRun> out;
  for (const auto& e : stack) {
    size_t with_values = 0;
    for (size_t i = e.run.begin; i < e.run.end; ++i) with_values += lengths[i] > 0;
    if (with_values >= 2) out.push_back(e.run);
  }
  return out;
}

size_t compact_after_write(CollectionState& st, const Snapshot& written, const std::vector<std::string>& labels) {
  const CompactionOptions& options = st.options.compaction;
  if (!options.enabled || !written.revision) return 0;
  const Commit& ci = written.commit;
  try {
    Rows rows;
    size_t removed = 0;
    for (const auto& label : labels) {
      auto match = ci.match(label);
      if (match.size() < std::max<size_t>(options.fanout, 2)) continue;
      std::vector<int64_t> lengths;
      for (size_t r : match) lengths.push_back(ci.length(r));
      for (const auto& run : plan_compaction(lengths, options)) {
        size_t first = match[run.begin], last = match[run.end - 1];
        Query q;
        q.start = ci.start(first);
        q.stop = ci.stop(last);
        q.closed = Closed{ci.closed(first).left, ci.closed(last).right};
        // The rows merged were mostly written lately through this Repo: their arrays are
        // in memory (see RecentArrays).
        Frame frame = read_series(st, ci, label, q, st.recent_arrays.get());
        WriteOptions w;
        w.start = q.start;
        w.stop = q.stop;
        w.closed = q.closed;
        for (auto& r : st.prepare(label, frame, w)) rows.push_back(std::move(r));
        removed += run.end - run.begin - 1;
      }
    }
    if (rows.empty()) return 0;
    // Yield to writers: commit only on the write's revision, still the state and the only head.
    auto now = st.history();
    if (now->empty() || !now->settled() || now->state()->path() != written.revision->path()) return 0;
    // On the state as the history sees it: a write that landed as a revisit (written again
    // under its parent, after the copy the log expands) must be based on as a revisit, or
    // the compaction goes under the first copy, where it never becomes the state.
    Snapshot base{*now->state(), written.commit};
    return st.commit_rows(base, rows, /*earliest=*/true) ? removed : 0;
  } catch (...) {  // std::system_error from a thread, bad_alloc: the write is committed all the same
    return 0;
  }
}

}  // namespace lakota
