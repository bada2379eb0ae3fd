// Automatic compaction (RepoOptions::compaction): which rows of a series to merge, and the
// revision that merges them. Internal to the api layer.
//
// A compaction is a revision of its own, written on the revision of the write that called
// for it, as a defrag is: `earliest`, so that any other revision on the same base comes
// after it in the log and wins a merge against it; and only while that revision is still
// the state and the only head (it yields otherwise: the next write compacts again). The
// merged row holds the values its rows showed, so a reader sees the same series before
// and after.
#pragma once

#include <string>
#include <vector>

#include "state.h"

namespace lakota {

// Rows [begin, end) of a series (positions in Commit::match) to merge into one.
struct CompactionRun {
  size_t begin, end;
  int64_t rows;  // stored rows, summed
};

// The runs to merge among rows of these stored lengths, in index order: size-tiered, each
// run `fanout` adjacent rows of one tier (or a cascade of such merges, done at once), none
// over `max_rows`. Pure.
std::vector<CompactionRun> plan_compaction(const std::vector<int64_t>& lengths, const CompactionOptions& options);

// After a write that committed `written`: merges the runs of the series `labels` in one
// revision. Returns the number of rows it removed (0 when there was nothing to merge, or it
// yielded). The write is done: errors are swallowed, and leave the series as it was.
size_t compact_after_write(CollectionState& st, const Snapshot& written, const std::vector<std::string>& labels);

}  // namespace lakota
