// Changelog: the revision files of one collection (FORMAT.md §4.2, §4.3).
//
// Each revision is a file `<parent>.<child>` whose content is a commit payload; `child` is
// `<hextime>-<sha1 of the content>`. Concurrent writers create sibling revisions (several
// heads) that a merge reunites. The log is a depth-first walk of the revision tree, in the
// reference's order; the current state is the last revision of the log (the reference's
// leaf), so both implementations read the same state of any repository.
//
// A History is an immutable value (one listing of the folder, analysed); a Changelog is a
// cheap handle over a pod that keeps no state of its own. Both are safe to share between
// threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakota/storage/pod.h"

namespace lakota {

// "00000000000-" followed by 40 zeros: the parent of a first revision.
extern const std::string kPhi;

struct Revision {
  std::string parent;
  std::string child;
  // Its content is a head: no revision was written on any revision holding it.
  bool is_head = false;
  // Its child was reached earlier in the log (a merge written under several heads with one
  // hextime, as the reference may do): the log expands that child's revisions only at the
  // first visit.
  bool revisit = false;

  std::string path() const { return parent + "." + child; }
  int64_t epoch_ms() const;          // the child's hextime
  std::string child_digest() const;  // the sha1 part of the child: the content's name
  std::string parent_digest() const;
};

// The revisions of a changelog in log order, and the graph between their contents. Two
// revisions with the same child sha1 hold the same content (a merge is written once per
// head), so heads and ancestry are questions about contents, not about file names.
class History {
 public:
  History() = default;
  explicit History(std::vector<Revision> log);
  History(const History&) = default;
  History& operator=(const History&) = default;
  // A moved-from history is empty.
  History(History&& other) noexcept { *this = std::move(other); }
  History& operator=(History&& other) noexcept;

  // The whole log (built once, on first use, for a history that `extended` made).
  const std::vector<Revision>& log() const&;
  // On a temporary (`c.history().log()` in a range-for), a copy: no dangling reference.
  std::vector<Revision> log() && { return log(); }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // The current state: the last revision of the log; null when there is none.
  const Revision* state() const;
  // One revision per head content (the last of the log that holds it), in log order.
  std::vector<Revision> heads() const;
  // True when there is at most one head and the state holds it: nothing to merge.
  bool settled() const;
  // A revision holding the newest content that every revision of `revs` descends from;
  // nullopt when they share none that is still in the changelog (trimmed, or unrelated).
  std::optional<Revision> common_ancestor(const std::vector<Revision>& revs) const;
  // The revision a name designates: a revision file name (`parent.child`), a child
  // (`hextime-sha1`), or a prefix of a content's sha1 (4 hex digits or more, as in git).
  // NotFound when none does; InvalidInput, listing the candidates, when a prefix is
  // ambiguous or the name has none of these forms.
  Revision resolve(std::string_view name) const;
  // The revision of the log that holds content `digest` (its last one), if any.
  std::optional<Revision> find(std::string_view digest) const;
  // The longest prefix of the log whose revisions are older than `before_ms`.
  History before(int64_t before_ms) const;
  // This settled history followed by `rev`, written on its state (not a revisit): what
  // the folder holds after a commit that nothing else raced. Cheaper than a new analysis,
  // and it shares the log instead of copying it (a writer extends its history at every
  // append, and the log of a busy series holds thousands of revisions); every 256
  // extensions, the revisions added are folded into a new base.
  History extended(Revision rev) const;

 private:
  // Revisions `extended` added to a base log, newest first, each node shared by every
  // later history.
  struct Tail {
    Revision rev;
    std::shared_ptr<const Tail> prev;
    size_t length;  // nodes from this one back to the base
  };
  std::vector<Revision> build() const;  // the base, then the tail
  // The revision at position i, without building the log for the last one (the state).
  const Revision& at(size_t i) const { return i + 1 == size_ ? *state() : log()[i]; }
  // The log of a history with a tail, built on first use.
  struct Whole {
    std::once_flag once;
    std::vector<Revision> log;
  };
  std::shared_ptr<const std::vector<Revision>> base_;  // analysed from a listing
  std::shared_ptr<const Tail> tail_;
  std::shared_ptr<Whole> whole_;
  size_t size_ = 0;
  std::vector<size_t> heads_;  // positions of the head revisions, one per content, in log order
};

class Changelog {
 public:
  explicit Changelog(PodPtr pod) : pod_(std::move(pod)) {}

  // The history of the folder as it is listed now. Names that are not revisions (as `a.b`
  // with both parts `<hextime>-<sha1>`) are ignored.
  History history() const { return history_of(*listing().names); }
  static History history_of(const std::vector<std::string>& names);
  std::vector<Revision> log() const { return history().log(); }
  std::optional<Revision> leaf() const;
  // The folder's names (see Listing: a version tells an unchanged folder without comparing).
  Listing listing() const { return pod_->ls_watched(); }

  // Content of a revision, checked against its sha1. A mismatch is retried (a concurrent
  // writer may still be writing it, as the reference does) and then raises CorruptData.
  std::string read(const Revision& rev) const;

  // Writes `payload` as the revision that follows `base` (null for a first revision), so
  // that it becomes the state when nothing else was written since `base` and a sibling head
  // otherwise. A payload equal to its base's is skipped. The hextime is max(now, base time
  // + 2 ms); with `earliest` it is the base's + 1 ms (kept for it), so that the revision
  // comes first among the base's children in the log (a defrag: a merge then applies
  // concurrent writes after it). When `base` is a revisit, the revision is written under
  // the child (for the graph) and again, later, under its parent (so that the log reaches
  // it last). Returns the revisions written, the one the log reaches last at the end.
  std::vector<Revision> commit(std::string_view payload, const Revision* base, bool earliest = false);
  // Writes `payload` as a merge of `parents`: one revision per parent, each with its own,
  // increasing hextime (never two files with one child). Parents holding the payload
  // already are skipped.
  std::vector<Revision> commit_merge(std::string_view payload, const std::vector<Revision>& parents);

  const PodPtr& pod() const { return pod_; }

 private:
  std::vector<Revision> write_under(std::string_view payload, const std::vector<Revision>& bases, bool earliest);
  PodPtr pod_;
};

}  // namespace lakota
