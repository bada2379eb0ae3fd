// Shared state behind Collection and Series handles, and the read/write machinery both
// use. Internal to the api layer.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "blosc_array.h"
#include "recent_arrays.h"
#include "segments.h"
#include "tags.h"
#include "lakota/api/repo.h"
#include "lakota/history/changelog.h"
#include "lakota/model/commit.h"
#include "lakota/storage/pod.h"

namespace lakota {

// One row of a commit narrowed to the positions a read selects in its arrays.
struct Span {
  size_t row;
  size_t lo, hi;                              // positions in the stored arrays
  std::vector<std::optional<Column>> index;   // index columns decoded whole, when they were
  std::shared_ptr<BloscArray> index_blocks;   // the one index column, when it was searched by blocks
};

using Rows = std::vector<std::pair<CommitRow, Embedded>>;

// A segment a write has encoded but not stored yet (see CollectionState::prepare).
struct PendingSegment {
  SegmentRef ref;
  EncodedColumn encoded;
};
struct PendingSegments {
  std::vector<PendingSegment> list;
};

// One state of a collection, read once: the reads and the commit of an operation that
// reads before it writes (an upsert, an update, a rename) all use it, so that its commit
// lands after the revision it was computed from, and a concurrent commit becomes a sibling
// head instead of being overwritten.
struct Snapshot {
  std::optional<Revision> revision;  // none for an empty collection
  Commit commit;
};

struct CollectionState {
  CollectionState(std::string label, std::shared_ptr<const Schema> schema, std::string path, PodPtr pod,
                  RepoOptions options);

  std::string label;
  std::shared_ptr<const Schema> schema;
  std::string path;
  PodPtr pod;  // the repository root: segments live here
  Segments segments;
  Changelog changelog;
  RepoOptions options;
  bool kv;
  std::shared_ptr<struct RewriteCache> rewrite_cache;  // see merge.h
  // What writes leave for the compaction: the Repo's (shared by its handles), null when
  // compaction is off, and for the registry.
  std::shared_ptr<RecentArrays> recent_arrays;

  // The history, analysed again only when the folder listing changes.
  std::shared_ptr<const History> history(std::optional<int64_t> before_ms = {}) const;
  std::vector<Revision> log() const { return history()->log(); }
  Snapshot snapshot(std::optional<int64_t> before_ms = {}) const;
  // What a read of the collection as it is now sees: the snapshot, except while heads
  // diverge with auto-merge on: then every head's writes, merged in memory as the writer
  // that made the newest head (or `merge`) is about to write them, so that a write that
  // returned is never hidden from a read by another writer's head. A head that cannot be
  // merged (damaged) leaves the state's commit. `revision` is the state's either way.
  // Reads as of a time (`before_ms`) see the state of that time.
  Snapshot read_snapshot(std::optional<int64_t> before_ms = {}) const;
  // Whether read_snapshot merges heads now.
  bool reads_merged(std::optional<int64_t> before_ms = {}) const;
  // The snapshot a query reads: its revision, else read_snapshot(its `before_ms`).
  Snapshot snapshot_of(const Query& q) const;
  Commit load_commit(const Revision& rev) const;
  // A tag, else a revision name (see Collection::resolve).
  Revision resolve(const std::string& name) const;
  Tags tags() const { return Tags(pod, path); }

  // Encoded bytes of an array: embedded, or its segment file (or a soft-deleted one).
  BlobPtr load_array(const Commit& commit, const std::string& digest) const;
  // How errors name an array: its segment file, or the revision that embeds it.
  std::string array_name(const Commit& commit, const std::string& digest) const;
  // `target`: where a whole array may be decoded (see DecodeTarget). `recent`: arrays to
  // take instead of their files when it holds them (the compaction's reads only).
  Column load_column(const Commit& commit, size_t row, size_t column, const DecodeTarget* target = nullptr,
                     const RecentArrays* recent = nullptr) const;
  Column load_column_range(const Commit& commit, size_t row, size_t column, size_t lo, size_t hi,
                           const DecodeTarget* target = nullptr, const RecentArrays* recent = nullptr) const;
  // A lone-blosc array for reads by range (a large segment is fetched piecewise).
  BloscArray open_blosc(const Commit& commit, size_t row, size_t column) const;
  // The size of the segment file of a cell when it is large enough to be read in pieces.
  std::optional<uint64_t> sparse_size(const Commit& commit, size_t row, size_t column) const;
  Span span(const Commit& commit, const RowView& view, const RecentArrays* recent = nullptr) const;

  // Encodes a conformed, checked frame, writes its segments, returns the commit rows.
  // With `pending`, the segments are added there instead, for write_segments.
  std::vector<std::pair<CommitRow, Embedded>> prepare(const std::string& series, const Frame& frame,
                                                      const WriteOptions& options,
                                                      std::vector<PendingSegment>* pending = nullptr) const;
  // Stores segments (side by side, as many at once as the pod takes).
  void write_segments(const std::vector<PendingSegment>& pending) const;
  // The row that empties [start, stop] of a series.
  std::vector<std::pair<CommitRow, Embedded>> prepare_delete(const std::string& series, const Tuple& start,
                                                             const Tuple& stop, Closed closed) const;
  // Applies `change` (or `rows`) to the snapshot's commit and writes the result as the
  // revision after the snapshot's; then, with auto-merge on, settles the history. Returns
  // false on a no-op.
  // `earliest`: see Changelog::commit (a defrag's revision). `written` runs right after the
  // revision is written, before any merge; its errors are swallowed (the write is done).
  // `committed`, when given, receives the revision written and its commit.
  bool commit_on(const Snapshot& base, const std::function<Commit(const Commit&)>& change, bool earliest = false,
                 const std::function<void()>& written = {}, Snapshot* committed = nullptr);
  bool commit_rows(const Snapshot& base, const Rows& rows, bool earliest = false, Snapshot* committed = nullptr);
  // Merges heads (and brings the state to the only head) until the history is settled.
  // Returns the revisions written.
  std::vector<Revision> settle();
  // The base of a change that depends on what the collection holds (a rename, a delete of
  // series or keys, an update, a revert, a batch, an existence check): with auto-merge on
  // and heads that diverge, the merge is written first, so that the change starts from
  // what reads show. On the state alone, a series only another head holds would be
  // NotFound for a rename and untouched by a delete, and the merge after the change would
  // keep it as it was. (A plain write needs no such base: the merge after it keeps every
  // head's rows.) A damaged head (CorruptData) leaves the state, as it leaves reads; a
  // storage error fails the change, which has written nothing yet.
  Snapshot change_base();

 private:
  // The values of a cell that `recent` holds, of the cell's type and length.
  std::optional<Column> held(const Commit& commit, size_t row, size_t column, const RecentArrays* recent) const;

  mutable std::mutex mutex_;
  mutable Listing listing_;  // what history_ was made of
  mutable std::shared_ptr<const History> history_;
  mutable std::string cached_path_;
  mutable std::optional<Commit> cached_commit_;
  mutable std::shared_ptr<const History> merged_for_;  // the history merged_ reunites
  mutable std::optional<Commit> merged_;
};

// Reads of one series at one commit, and the rows of writes computed from one commit (the
// snapshot an operation commits on). Defined in series.cc.
// `recent`: see CollectionState::load_column.
Frame read_series(const CollectionState& st, const Commit& commit, const std::string& label, const Query& q,
                  const RecentArrays* recent = nullptr);
// The rows of a write; for key-value collections an upsert (none when the stored rows
// already hold these values).
// With `pending`, its segments are added there instead of stored (see prepare).
Rows write_rows(const CollectionState& st, const Commit& base, const std::string& label, const Frame& frame,
                const WriteOptions& options, std::vector<PendingSegment>* pending = nullptr);
Rows delete_key_rows(const CollectionState& st, const Commit& base, const std::string& label,
                     const std::vector<Tuple>& keys);
// The rows of Series::update: the given columns replace the stored ones on their index.
Rows update_rows(const CollectionState& st, const Commit& base, const std::string& label, const Frame& frame);

// The name among `names` that `prefix` designates: itself, else the only name that starts
// with it. NotFound when none does, InvalidInput ("ambiguous") listing the candidates when
// several do. `what` names the kind ("collection", "series"), `owner` prefixes the name in
// messages ("temp/" for a series of temp).
std::string resolve_prefix(const std::string& prefix, const std::vector<std::string>& names, const std::string& what,
                           const std::string& owner);

// The frame a series write stores: conformed to the schema and checked.
Frame prepare_frame(const Schema& schema, const Frame& frame, const std::string& context, size_t first_row = 0);
// Rows ordered by index (stable), keeping the first of equal keys when `dedupe`.
Frame sort_frame(const Schema& schema, const Frame& frame, bool dedupe);

}  // namespace lakota
