// Where a segment lives (FORMAT.md §4.5): the file `aa/bb/<36 hex>` of the repository,
// named by its digest. gc soft-deletes an unreferenced segment by renaming it
// `<file>.<hextime>` and deletes it on a later run; a soft-deleted segment still reads, and
// is restored when a revision references it again. Reads, writes, push, pull, gc and verify
// all go through this one piece. Internal to the api layer; safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lakota/model/schema.h"
#include "lakota/storage/pod.h"

namespace lakota {

// What a segment must hold: the values of one column of one commit row.
struct SegmentRef {
  std::string digest;
  const ColumnDef* def = nullptr;
  size_t count = 0;
};

// A file of the segment area, as a listing finds it.
struct SegmentFile {
  std::string digest;
  std::string suffix;  // the hextime of a soft-deleted segment; empty for a live one
  std::string path;    // its path in the repository
};

class Segments {
 public:
  explicit Segments(PodPtr pod) : pod_(std::move(pod)) {}

  static std::string path_of(std::string_view digest);
  // The file holding the segment now: the live one, else a soft-deleted one; nullopt when
  // there is neither.
  std::optional<std::string> locate(const std::string& digest) const;
  // Bytes of a segment, live or soft-deleted. CorruptData naming the file when there is
  // neither (`owner` says whose segment it is: "collection 'temp'").
  BlobPtr read(const std::string& digest, const std::string& owner) const;
  // Stores a segment (write-once). An existing file is kept when it holds `ref`'s values,
  // else replaced: it may be damaged, or half written by a reference writer.
  void write(const SegmentRef& ref, std::string_view bytes) const;
  // The same for a segment written in pieces (`size` bytes) by a writer of this pod.
  void write(const SegmentRef& ref, PodWriter& writer, uint64_t size) const;
  // True when `bytes` decode to `ref`'s values, digest checked.
  static bool holds(const SegmentRef& ref, std::string_view bytes);
  // Makes the live file exist again, renaming a soft-deleted one back. False when the
  // segment is gone.
  bool restore(const std::string& digest) const;
  // Soft-deletes a live segment (renames it with `hextime`); false when it was not there.
  bool bury(const std::string& digest, const std::string& hextime) const;
  bool remove(const SegmentFile& file) const;
  // Every file of the segment area: two folders deep under the two-hex-digit top folders
  // (changelog folders, three deep, and dot-folders are not segments).
  std::vector<SegmentFile> list() const;

  const PodPtr& pod() const { return pod_; }

 private:
  // write's rule, whatever stores the bytes: `put(file, overwrite)` as Pod::write.
  void store(const SegmentRef& ref, const std::function<bool(const std::string&, bool)>& put) const;
  PodPtr pod_;
};

}  // namespace lakota
