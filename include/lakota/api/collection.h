// Collection: a schema and the series that follow it, with one changelog. Every write
// makes a commit that describes all series of the collection.
//
// A Collection is a cheap handle on shared state; safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lakota/api/series.h"
#include "lakota/history/changelog.h"
#include "lakota/model/commit.h"
#include "lakota/storage/pod.h"

namespace lakota {

struct CollectionState;
struct Snapshot;

// A name given to a revision (`Collection::tag`).
struct Tag {
  std::string name;
  std::string revision;  // the revision's file name
};

// Several series writes that land as one commit (`Collection::batch`). Not thread-safe:
// fill it from one thread, then `commit`. The batch reads the state of the collection at
// its first write (with auto-merge on, after writing the merge of diverged heads) and
// commits after that state.
class Batch {
 public:
  void write(const std::string& series, const Frame& frame, const WriteOptions& options = {});
  void delete_range(const std::string& series, const Tuple& start, const Tuple& stop, Closed closed = Closed::both());
  // Series::update and Series::delete_keys, computed on the batch's state (not on the
  // batch's earlier writes).
  void update(const std::string& series, const Frame& frame);
  void delete_keys(const std::string& series, const std::vector<Tuple>& keys);
  // Stores the segments of the batch's writes (side by side), then writes the commit:
  // nothing is visible before. (An update or a key delete stores its segments at once.)
  // Returns false when there was nothing to do.
  bool commit();
  size_t size() const { return rows_.size(); }

 private:
  friend class Collection;
  explicit Batch(std::shared_ptr<CollectionState> state) : state_(std::move(state)) {}
  const Snapshot& base();
  std::shared_ptr<CollectionState> state_;
  std::shared_ptr<const Snapshot> base_;
  std::vector<std::pair<CommitRow, Embedded>> rows_;
  std::shared_ptr<struct PendingSegments> pending_;  // the writes' segments, stored at commit
};

class Collection {
 public:
  explicit Collection(std::shared_ptr<CollectionState> state) : state_(std::move(state)) {}

  const std::string& label() const;
  const Schema& schema() const;
  // Folder of the collection in its pod ("aa/bb/<36 hex>").
  const std::string& path() const;
  Changelog changelog() const;

  Series series(const std::string& label) const;
  // An existing series named `prefix`, else the only one whose name starts with it.
  // NotFound when none does; InvalidInput ("ambiguous", with the candidates) when several do.
  Series series_by_prefix(const std::string& prefix) const;
  // Labels of the series, sorted.
  std::vector<std::string> ls(std::optional<int64_t> before_ms = {}) const;
  void delete_series(const std::set<std::string>& labels);
  // Conflict when `to` exists, unless `replace`: then `from` replaces it (one commit).
  void rename_series(const std::string& from, const std::string& to, bool replace = false);
  Batch batch() const { return Batch(state_); }

  // The commit readers see now (see `reads_merged`), or the state's as of `before_ms`;
  // nullopt for an empty collection.
  std::optional<Commit> leaf_commit(std::optional<int64_t> before_ms = {}) const;
  // Every revision with its commit, in log order.
  std::vector<std::pair<Revision, Commit>> revisions() const;
  History history() const;

  // Heads: one revision per head content, in log order. Several heads, or a state (the
  // last revision of the log) that is not the head, mean that the state misses some
  // writes: `diverged` says so, and `merge` repairs it. Until then, with auto-merge on,
  // reads of the collection as it is now see every head's writes, merged in memory
  // (`reads_merged`); with it off, and as of a time, they see the state, as the
  // reference's do.
  std::vector<Revision> heads() const;
  bool diverged(std::optional<int64_t> before_ms = {}) const;
  bool reads_merged(std::optional<int64_t> before_ms = {}) const;
  // Reunites the heads in one commit whose content holds every head's writes (a later head
  // in log order wins where they overlap) and makes it the state. With auto-merge on (the
  // default, RepoOptions::auto_merge) every writer does this after its commit. Returns the
  // revisions written: none when there was nothing to merge.
  std::vector<Revision> merge();
  // A new revision whose content is that of the revision `name` designates (see
  // History::resolve); history is kept. Returns false when the state holds it already.
  bool revert(const std::string& name);

  // The revision `name` designates: a tag, else a revision name (History::resolve). A tag
  // whose revision was trimmed (by the reference, which does not know tags) still names its
  // content while a copy of it is in the changelog.
  Revision resolve(const std::string& name) const;
  // The tags of the collection, sorted by name.
  std::vector<Tag> tags() const;
  // Names the revision `revision` designates (the state when empty) `name`, and returns
  // it. Conflict when the tag exists; InvalidInput for a name that cannot be a tag (empty,
  // over 120 bytes, a control character).
  Revision tag(const std::string& name, const std::string& revision = "");
  // NotFound when there is no such tag.
  void untag(const std::string& name);

  const std::shared_ptr<CollectionState>& state() const { return state_; }

 private:
  std::shared_ptr<CollectionState> state_;
};

}  // namespace lakota
