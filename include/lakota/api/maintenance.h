// Keeping a repository small and sound: gc (segments no revision references), trim (old
// revisions), defrag (series made of many small chunks), squash (both) and verify (every
// digest recomputed). Each is safe while other processes read and write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lakota/api/progress.h"
#include "lakota/api/repo.h"

namespace lakota {

// The reference's timeout (settings.timeout): how long a soft-deleted segment waits before
// gc deletes it, and twice of it the default age of what trim drops.
inline constexpr int64_t kGcTimeoutMs = 600'000;

struct GcOptions {
  bool dry_run = false;
  int64_t timeout_ms = kGcTimeoutMs;
  Progress progress;
};

struct GcReport {
  size_t segments = 0;     // segment files looked at (live and soft-deleted)
  size_t soft_deleted = 0; // unreferenced segments renamed `<file>.<hextime>`
  size_t hard_deleted = 0; // soft-deleted segments past the timeout, removed
  size_t restored = 0;     // soft-deleted segments referenced again, renamed back
  uint64_t bytes_freed = 0;
};

// The reference's two-phase delete. A segment no revision of any collection references
// (the registry's heads name the collections) is soft-deleted; one soft-deleted longer than
// the timeout is deleted; one referenced again is restored, however old. After burying, gc
// looks at the revisions written meanwhile and restores what they reference; writers check
// their segments just before and after their revision (see CollectionState::commit_rows),
// so a concurrent write never ends up referencing a deleted segment.
GcReport gc(const Repo& repo, const GcOptions& options = {});

struct TrimOptions {
  // Drop revisions older than this; by default, twice gc's timeout ago (the reference's).
  std::optional<int64_t> before_ms;
  bool dry_run = false;
};

// Drops revisions older than `before_ms` from the start of the log, keeping the heads, the
// state, every tagged revision and everything after the oldest tagged one (as history
// reachable from a tag stays in git), the common ancestor of diverged heads (a merge needs
// it), and never changing what the log reaches: the state and the heads stay what they were. Returns the revision files dropped (or, with
// `dry_run`, that would be).
std::vector<std::string> trim(const Collection& collection, const TrimOptions& options);

struct DefragOptions {
  size_t max_chunk = 4;  // series of more rows than this are rewritten
  size_t page_len = 500'000;
  bool dry_run = false;
  Progress progress;
};

struct DefragReport {
  size_t series = 0;       // series rewritten (or to rewrite)
  size_t rows_before = 0;  // commit rows of those series before
  size_t rows_after = 0;
  bool yielded = false;    // another head appeared meanwhile: nothing was committed
};

// Rewrites the series of many small chunks into chunks of `page_len` rows, from their first
// small chunk on, as one revision on the state it read. The revision takes the hextime of
// that state + 1 ms, so a write made meanwhile comes after it in the log and wins any merge;
// and when the history moved while it worked, the defrag yields (commits nothing).
DefragReport defrag(const Collection& collection, const DefragOptions& options = {});

struct VerifyReport {
  size_t revisions = 0, segments = 0, arrays = 0;  // checked
  uint64_t bytes = 0;
  std::vector<std::string> problems;  // one line each, naming the file
  std::vector<std::string> notes;     // not problems (soft-deleted segments still read)
  bool ok() const { return problems.empty(); }
};

// Recomputes the digest of every revision file and every array (segment files and arrays
// embedded in revisions) of the registry and of the collections it lists, checks that every
// referenced segment exists and that tags name revisions that exist.
VerifyReport verify(const Repo& repo, const Progress& progress = {});

}  // namespace lakota
