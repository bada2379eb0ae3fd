// Shared state behind Collection and Series handles, and the read/write machinery both
// use. Internal to the api layer.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "blosc_array.h"
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
};

struct CollectionState {
  CollectionState(std::string label, std::shared_ptr<const Schema> schema, std::string path, PodPtr pod,
                  RepoOptions options);

  std::string label;
  std::shared_ptr<const Schema> schema;
  std::string path;
  PodPtr pod;  // the repository root: segments live here
  Changelog changelog;
  RepoOptions options;
  bool kv;

  // The log, rebuilt only when the folder listing changes.
  std::vector<Revision> log() const;
  std::optional<std::pair<Revision, Commit>> leaf(std::optional<int64_t> before_ms = {}) const;
  Commit load_commit(const Revision& rev) const;

  // Encoded bytes of an array: embedded, or its segment file (or a soft-deleted one).
  BlobPtr load_array(const Commit& commit, const std::string& digest) const;
  // How errors name an array: its segment file, or the revision that embeds it.
  std::string array_name(const Commit& commit, const std::string& digest) const;
  Column load_column(const Commit& commit, size_t row, size_t column) const;
  Column load_column_range(const Commit& commit, size_t row, size_t column, size_t lo, size_t hi) const;
  // A lone-blosc array for reads by range (a large segment is fetched piecewise).
  BloscArray open_blosc(const Commit& commit, size_t row, size_t column) const;
  Span span(const Commit& commit, const RowView& view) const;

  // Encodes a conformed, checked frame, writes its segments, returns the commit rows.
  std::vector<std::pair<CommitRow, Embedded>> prepare(const std::string& series, const Frame& frame,
                                                      const WriteOptions& options) const;
  // The row that empties [start, stop] of a series.
  std::vector<std::pair<CommitRow, Embedded>> prepare_delete(const std::string& series, const Tuple& start,
                                                             const Tuple& stop, Closed closed) const;
  // Applies rows on the current leaf and writes the revision. Returns false on a no-op.
  bool commit_rows(const std::vector<std::pair<CommitRow, Embedded>>& rows);
  bool commit_on_leaf(const std::function<Commit(const Commit&)>& change);

 private:
  void write_segment(const std::string& digest, const std::string& bytes, const ColumnDef& def, size_t count) const;

  mutable std::mutex mutex_;
  mutable std::vector<std::string> listing_;
  mutable std::vector<Revision> log_;
  mutable std::string cached_path_;
  mutable std::optional<Commit> cached_commit_;
};

// The name among `names` that `prefix` designates: itself, else the only name that starts
// with it. NotFound when none does, InvalidInput ("ambiguous") listing the candidates when
// several do. `what` names the kind ("collection", "series"), `owner` prefixes the name in
// messages ("temp/" for a series of temp).
std::string resolve_prefix(const std::string& prefix, const std::vector<std::string>& names, const std::string& what,
                           const std::string& owner);

// The frame a series write stores: conformed to the schema and checked.
Frame prepare_frame(const Schema& schema, const Frame& frame, const std::string& context);
// Rows ordered by index (stable), keeping the first of equal keys when `dedupe`.
Frame sort_frame(const Schema& schema, const Frame& frame, bool dedupe);

}  // namespace lakota
