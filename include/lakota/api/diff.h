// What changed in a collection between two revisions (`lakota diff`): the series added,
// removed or changed, the index ranges where rows differ, and, when asked, the rows.
#pragma once

#include <string>
#include <vector>

#include "lakota/api/collection.h"
#include "lakota/model/frame.h"

namespace lakota {

struct DiffRange {
  Tuple start, stop;  // first and last index values of a run of differing rows
  size_t added = 0, removed = 0, changed = 0;
};

struct SeriesDiff {
  std::string series;
  char status = '~';  // '+': only in the second revision, '-': only in the first, '~': in both
  std::vector<DiffRange> ranges;
  // With rows: the differing rows in index order, and for each its change: '+' (added),
  // '-' (removed, the first revision's values) or '~' (changed, the second's values).
  Frame rows;
  std::vector<char> ops;
};

// Series of `collection` that differ between revisions `a` and `b` (any name
// Collection::resolve takes), sorted by label; only `series` when it is not empty. Rows
// are compared only where the two commits' rows differ, so a diff of an append reads the
// appended part only.
std::vector<SeriesDiff> diff(const Collection& collection, const std::string& a, const std::string& b,
                             const std::string& series = "", bool with_rows = false);

}  // namespace lakota
