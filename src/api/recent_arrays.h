// Arrays written lately through one Repo (its copies and collection handles share them),
// decoded, for the compaction that follows a write: it merges rows written just before,
// and finds their arrays here instead of reading, decoding and checking their files again.
// Internal to the api layer.
//
// Entries are keyed by digest (the sha1 of the values): an entry holds what a sound file of
// that digest decodes to, so a merge made from it is the merge of the stored rows. Only the
// compaction reads it: every other read goes to storage, and reports damage as usual (a
// damaged file the compaction did not read stays damaged, for older revisions; `verify`
// finds it). Holds at most `budget` bytes, the oldest out first; safe to share between
// threads. The copy is taken after the write hashed the caller's memory: a caller that
// changes its array while the write runs (a data race of its own) gets a merge of the copy.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "lakota/model/column.h"
#include "lakota/model/schema.h"

namespace lakota {

class RecentArrays {
 public:
  explicit RecentArrays(size_t budget) : budget_(budget) {}

  // Keeps a copy of `values` (fixed-width types only; the caller's memory may change after
  // the write). Arrays larger than a quarter of the budget are not kept.
  void put(const std::string& digest, const Column& values);
  std::optional<Column> get(const std::string& digest) const;

  size_t bytes() const;

 private:
  size_t budget_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Column> entries_;
  std::deque<std::string> order_;  // oldest first
  size_t bytes_ = 0;
};

// `values`, placed in `target` when it is given and of the same size (see DecodeTarget),
// else shared as it is.
Column place_column(const Column& values, const DecodeTarget* target);

}  // namespace lakota
