// Series: one sorted table of a collection, named by its label; written and read by index
// range. Every write is a new revision of the collection: atomic (segments first, the
// revision file last) and visible completely or not at all.
//
// A Series is a cheap handle (collection + label); safe to share between threads. Writes
// from several threads or processes never corrupt the collection: each lands as its own
// revision, computed from the state it read; concurrent writes make sibling heads, which
// the writer merges at once (auto-merge, on by default) or `Collection::merge` reunites.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lakota/history/changelog.h"
#include "lakota/model/commit.h"
#include "lakota/model/frame.h"

namespace lakota {

class Collection;
struct CollectionState;

struct Query {
  Tuple start;                 // empty: from the first row
  Tuple stop;                  // empty: to the last row
  Closed closed{true, false};  // LEFT, as the reference: start included, stop excluded
  std::optional<int64_t> before_ms;  // read the state as of this time (ms since epoch)
  std::string revision;              // read this revision's content (History::resolve names)
  std::vector<std::string> select;   // columns to return; empty: all, schema order
  std::optional<size_t> limit;
  size_t offset = 0;
};

struct WriteOptions {
  // The range the write replaces; by default the frame's first and last index values.
  std::optional<Tuple> start, stop;
  Closed closed = Closed::both();
  // Commit on no parent (a new root, as the reference's `root=True`) instead of the state.
  bool root = false;
};

class Series {
 public:
  Series(std::shared_ptr<CollectionState> collection, std::string label);

  const std::string& label() const { return label_; }
  const Schema& schema() const;

  // Writes `frame` (every column of the schema; values cast by the schema) over its index
  // range: rows of the series in that range are replaced. Returns false when nothing
  // changed (no revision written); so do the other writes below. Throws InvalidInput for a frame
  // that does not fit the schema or whose index is not strictly increasing.
  // `written`, when given, receives the revision of the write (not of the merge or the
  // compaction that may follow it).
  bool write(const Frame& frame, const WriteOptions& options = {}, Revision* written = nullptr);
  // One write of frames that arrive one after the other (`next` returns none at the end),
  // each with a strictly increasing index that starts after the previous one's end: one
  // revision, the same rows as one write of them all, with one frame at a time in memory
  // beside the compressed segments. Nothing is stored before every frame was read and
  // checked, so a bad frame (InvalidInput naming the row, counted from the first frame)
  // leaves the repository as it was. A key-value collection gathers them for one upsert.
  bool write_parts(const std::function<std::optional<Frame>()>& next, Revision* written = nullptr);
  // Removes the rows in [start, stop] (flags from `closed`).
  bool delete_range(const Tuple& start, const Tuple& stop, Closed closed = Closed::both());
  // Replaces some non-index columns of existing rows; `frame` has the index columns and
  // the columns to change. Rows outside the stored range are added with zero values.
  bool update(const Frame& frame);
  // Removes the rows whose index is one of `keys` (key-value use; any column names).
  bool delete_keys(const std::vector<Tuple>& keys);

  Frame read(const Query& query = {}) const;
  // The last `n` rows of the query's range (limit and offset then apply to those).
  Frame tail(size_t n, const Query& query = {}) const;
  // Calls `page` with successive frames of at most `step` rows until it returns false.
  // All pages come from one state of the collection (the query's `before`, or the state
  // when the call starts).
  void paginate(size_t step, const Query& query, const std::function<bool(const Frame&)>& page) const;
  size_t length(const Query& query = {}) const;
  bool exists() const;

 private:
  friend class Collection;
  friend class Batch;
  std::shared_ptr<CollectionState> state_;
  std::string label_;
};

}  // namespace lakota
