// Repo: a storage location (pod) holding collections, listed in a registry collection
// (FORMAT.md §4.7). Create, list, open, rename and delete collections.
//
// A Repo is a cheap handle on its pod; safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lakota/api/collection.h"
#include "lakota/model/schema.h"
#include "lakota/storage/pod.h"

namespace lakota {

// Automatic compaction: after a write, adjacent small rows of each series it wrote are
// merged into one row (one segment per column), size-tiered: `fanout` adjacent rows of one
// size tier (lengths in [fanout^t, fanout^(t+1))) become one row of the next tier, and a
// merge never makes a row of more than `max_rows`. So a series appended to in small writes
// keeps about (fanout - 1) rows per tier: its commits stay small and its reads fast. The
// merged row holds the same values; older revisions keep the rows they had (their segments
// stay until trim and gc), and the compaction is a revision of its own that yields to any
// concurrent write (see compact.h).
struct CompactionOptions {
  bool enabled = default_enabled();  // LAKOTA_COMPACT=0 turns it off
  size_t fanout = 8;
  size_t max_rows = size_t(1) << 20;
  // The arrays written through a Repo (and its copies and collection handles) lately are
  // kept decoded, up to this many bytes, so that a compaction merges them without reading
  // their files back (0: none).
  size_t recent_bytes = size_t(4) << 20;
  static bool default_enabled();
};

struct RepoOptions {
  EncodeOptions encode;
  CompactionOptions compaction;
  // Largest encoded array of one column in one segment; a bigger write becomes several
  // rows of one commit. blosc's own limit by default.
  size_t max_segment_bytes = kBloscMaxBytes;
  // Check the digest of every array a read decodes whole (a range read that decodes only
  // some blosc blocks cannot). On by default; LAKOTA_VERIFY=0 turns it off.
  bool verify_digests = default_verify_digests();
  static bool default_verify_digests();
  // A writer whose commit made a second head merges at once (and so does a merge that
  // raced another), so that readers see every write. On by default; LAKOTA_AUTO_MERGE=0
  // turns it off (as the reference: heads stay until `merge`).
  bool auto_merge = default_auto_merge();
  static bool default_auto_merge();
};

class RecentArrays;  // src/api/recent_arrays.h

class Repo {
 public:
  explicit Repo(PodPtr pod, RepoOptions options = {});
  // Opens a repository URI (see pod_from_uri).
  static Repo open(const std::string& uri, RepoOptions options = {});

  std::vector<std::string> ls() const;
  // Every collection, in label order (one read of the registry).
  std::vector<Collection> collections() const;
  // Every collection that a head of the registry lists (more than `collections()` while
  // the registry has several heads), one per folder: what gc and verify look at.
  std::vector<Collection> listed_collections() const;
  // Throws Conflict when a label exists (unless `exist_ok`), InvalidInput for an empty one.
  Collection create_collection(const Schema& schema, const std::string& label, bool exist_ok = false);
  std::vector<Collection> create_collections(const Schema& schema, const std::vector<std::string>& labels,
                                             bool exist_ok = false);
  // Lists `label` for the collection in folder `path` (pull copies a collection under the
  // folder its source gave it). Returns the collection the registry lists under `label`
  // afterwards: an existing one is kept.
  Collection adopt_collection(const std::string& label, const Schema& schema, const std::string& path);
  std::optional<Collection> find(const std::string& label) const;
  // Throws NotFound naming the label.
  Collection collection(const std::string& label) const;
  // The collection named `prefix`, else the only one whose name starts with it (as the
  // command line lets users shorten names). NotFound when none does; InvalidInput saying
  // "ambiguous" and listing the candidates when several do.
  Collection collection_by_prefix(const std::string& prefix) const;
  // Removes collections and their folders. Unknown labels are ignored.
  void delete_collections(const std::vector<std::string>& labels);
  void rename_collection(const std::string& from, const std::string& to);

  Collection registry() const { return registry_; }
  const PodPtr& pod() const { return pod_; }
  const RepoOptions& options() const { return options_; }

 private:
  Collection reify(const std::string& label, const Json& meta) const;
  PodPtr pod_;
  RepoOptions options_;
  std::shared_ptr<RecentArrays> recent_arrays_;  // shared by the collection handles
  Collection registry_;
};

// The registry's schema: label str*, meta O, kind "kv".
const Schema& registry_schema();
// The registry's folder in a repository ("00/00/" and 36 zeros).
const std::string& registry_path();

}  // namespace lakota
