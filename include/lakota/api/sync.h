// Push and pull: copy collections, their history and their tags between two repositories
// (any pods). Only what the destination lacks travels: segments first, each checked against
// its digest as it is read from the source, then the revision files, parents before
// children. What is missing is decided from the files present at the destination, so an
// interrupted pull resumes where it stopped.
//
// The registry is pulled and merged first, so that the destination ends with one registry
// head. A collection created independently on both sides under one name (the reference
// keeps one and orphans the other's data) gets both histories in one folder, merged, when
// the schemas agree; when they differ the pull stops before writing anything.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lakota/api/progress.h"
#include "lakota/api/repo.h"

namespace lakota {

struct SyncOptions {
  std::vector<std::string> labels;  // collections to copy; empty: all of the source's
  bool shallow = false;             // only the heads' revisions and their data
  Progress progress;
};

struct SyncReport {
  size_t collections = 0;  // collections looked at
  size_t revisions = 0;    // revision files copied (registry included)
  size_t segments = 0;     // segment files copied
  size_t restored = 0;     // soft-deleted segments of the destination brought back
  size_t repaired = 0;     // damaged segments of the destination replaced
  size_t tags = 0;         // tags copied
  uint64_t bytes = 0;      // bytes written
  std::vector<std::string> warnings;  // tags that name other revisions on each side
};

// Copies `source`'s collections into `destination`. NotFound for a label the source does
// not have; Conflict, before anything is written, for a collection whose schemas differ.
// With the destination's auto-merge on (the default), collections left with several heads
// are merged; the registry always is.
SyncReport pull(Repo& destination, const Repo& source, const SyncOptions& options = {});
inline SyncReport push(const Repo& source, Repo& destination, const SyncOptions& options = {}) {
  return pull(destination, source, options);
}

}  // namespace lakota
