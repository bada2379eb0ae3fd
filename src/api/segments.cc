#include "segments.h"

#include "common/thread_pool.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {
namespace {

// The soft-deleted files of a segment in its folder: `<name>.<suffix>`.
std::vector<std::string> buried(const Pod& pod, const std::string& file) {
  std::string folder = file.substr(0, 5), name = file.substr(6);
  std::vector<std::string> out;
  for (const auto& entry : pod.ls(folder))
    if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 && entry[name.size()] == '.')
      out.push_back(folder + "/" + entry);
  return out;
}

}  // namespace

std::string Segments::path_of(std::string_view digest) { return hashed_path(digest); }

std::optional<std::string> Segments::locate(const std::string& digest) const {
  std::string file = path_of(digest);
  if (pod_->exists(file)) return file;
  auto old = buried(*pod_, file);
  if (old.empty()) return std::nullopt;
  return old.back();
}

BlobPtr Segments::read(const std::string& digest, const std::string& owner) const {
  std::string file = path_of(digest);
  try {
    return pod_->read_blob(file);
  } catch (const NotFound&) {
  }
  for (const auto& old : buried(*pod_, file)) {
    try {
      return pod_->read_blob(old);
    } catch (const NotFound&) {  // restored or deleted meanwhile
    }
  }
  // gc may have restored it between the two reads.
  try {
    return pod_->read_blob(file);
  } catch (const NotFound&) {
  }
  throw CorruptData(owner + ": segment " + pod_->uri() + "/" + file + " is missing");
}

bool Segments::holds(const SegmentRef& ref, std::string_view bytes) {
  try {
    decode_column(*ref.def, bytes, "", DecodeCheck{ref.count, ref.digest});
    return true;
  } catch (const CorruptData&) {
    return false;
  }
}

void Segments::store(const SegmentRef& ref, const std::function<bool(const std::string&, bool)>& put) const {
  std::string file = path_of(ref.digest);
  if (put(file, false)) return;
  try {
    if (holds(ref, pod_->read_blob(file)->bytes())) return;
  } catch (const NotFound&) {
  }
  put(file, true);
}

void Segments::write(const SegmentRef& ref, std::string_view bytes) const {
  store(ref, [&](const std::string& file, bool overwrite) { return pod_->write(file, bytes, overwrite); });
}

void Segments::write(const SegmentRef& ref, PodWriter& writer, uint64_t size) const {
  store(ref, [&](const std::string& file, bool overwrite) { return writer.commit(file, size, overwrite); });
}

bool Segments::restore(const std::string& digest) const {
  std::string file = path_of(digest);
  if (pod_->exists(file)) return true;
  for (const auto& old : buried(*pod_, file))
    if (pod_->mv(old, file)) return true;
  return pod_->exists(file);
}

bool Segments::bury(const std::string& digest, const std::string& hextime) const {
  std::string file = path_of(digest);
  return pod_->mv(file, file + "." + hextime);
}

bool Segments::remove(const SegmentFile& file) const { return pod_->rm(file.path); }

std::vector<SegmentFile> Segments::list() const {
  std::vector<std::string> tops;
  for (const auto& top : pod_->ls())
    if (top.size() == 2 && is_lower_hex(top)) tops.push_back(top);
  // One listing per top folder, side by side (on S3, up to 256 listings in flight).
  std::vector<std::vector<SegmentFile>> found(tops.size());
  parallel_for(tops.size(), std::max<size_t>(pod_->parallelism(), 1), [&](size_t t) {
    for (const auto& path : pod_->walk(tops[t], 2)) {
      // "aa/bb/<36 hex>[.<suffix>]"
      if (path.size() < 42 || path[2] != '/' || path[5] != '/') continue;
      std::string name = path.substr(6);
      std::string hex = name.substr(0, 36), suffix;
      if (name.size() > 36) {
        if (name[36] != '.') continue;
        suffix = name.substr(37);
      }
      std::string digest = path.substr(0, 2) + path.substr(3, 2) + hex;
      if (!is_hex_digest(digest)) continue;
      found[t].push_back(SegmentFile{digest, suffix, path});
    }
  });
  std::vector<SegmentFile> out;
  for (auto& f : found)
    for (auto& file : f) out.push_back(std::move(file));
  return out;
}

}  // namespace lakota
