// Changelog: the revision files of one collection (FORMAT.md §4.2, §4.3).
//
// Each revision is a file `<parent>.<child>` whose content is a commit payload; `child` is
// `<hextime>-<sha1 of the content>`. Concurrent writers create sibling revisions (several
// heads) that a merge reunites. The log is a depth-first walk of the revision tree, in the
// reference's order; the current state (leaf) is the last revision of the log.
//
// A Changelog is a cheap handle over a pod; it keeps no state of its own, so it is safe to
// share between threads (each call lists the folder afresh).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lakota/storage/pod.h"

namespace lakota {

// "00000000000-" followed by 40 zeros: the parent of a first revision.
extern const std::string kPhi;

struct Revision {
  std::string parent;
  std::string child;
  bool is_leaf = false;

  std::string path() const { return parent + "." + child; }
  int64_t epoch_ms() const;        // the child's hextime
  std::string child_digest() const;  // the sha1 part of the child
  std::string parent_digest() const;
};

class Changelog {
 public:
  explicit Changelog(PodPtr pod) : pod_(std::move(pod)) {}

  // All revisions in log order. Names that are not revisions (as `a.b` with both parts
  // `<hextime>-<sha1>`) are ignored.
  std::vector<Revision> log() const;
  // Builds the log from a listing (names of the folder).
  static std::vector<Revision> log_of(std::vector<std::string> names);
  // The longest prefix of `log` whose revisions are older than `before_ms`.
  static std::vector<Revision> before(const std::vector<Revision>& log, int64_t before_ms);
  std::optional<Revision> leaf() const;
  std::vector<std::string> listing() const { return pod_->ls(); }

  // Content of a revision, checked against its sha1. A mismatch is retried (a concurrent
  // writer may still be writing it, as the reference does) and then raises CorruptData.
  std::string read(const Revision& rev) const;

  // Writes `payload` as a child of each parent (phi for a first revision). A payload equal
  // to its parent's is skipped. Hextimes are max(now, parent time + 1 ms) and increase
  // from one parent to the next. Returns the revisions written.
  std::vector<Revision> commit(std::string_view payload, const std::vector<std::string>& parents);

  const PodPtr& pod() const { return pod_; }

 private:
  PodPtr pod_;
};

}  // namespace lakota
