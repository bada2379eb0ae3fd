// Pods: the storage backends. A pod only moves bytes between the engine and a store
// (memory, local folder, and later S3 and HTTP); it knows nothing of commits or schemas.
//
// Paths are relative, '/'-separated, without '.' or '..' components. Public methods are
// non-virtual: they check arguments once and call the private do_* methods that each
// backend implements (the ArcticDB pattern).
//
// Contract of every backend:
//  - `write` is atomic: a reader sees either no file or the whole file, never a part.
//  - `write` is write-once unless `overwrite` is set: an existing file is left as it is,
//    and `write` returns false.
//  - Missing files raise NotFound; backend failures raise StorageError.
// Pods are safe to share between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lakota {

// Bytes of a file, owned by whatever holds them (a string, or a read-only memory map).
class Blob {
 public:
  virtual ~Blob() = default;
  std::string_view bytes() const { return view_; }

 protected:
  std::string_view view_;
};
using BlobPtr = std::shared_ptr<const Blob>;
BlobPtr make_blob(std::string data);

// The names of a folder's entries, shared without a copy. `version` is nonzero when the pod
// keeps the folder's listing (Pod::ls_watched): two listings of a folder with one nonzero
// version hold the same names, and version v + 1 is version v with exactly one name added
// or removed (so a writer that added one name and then lists v + 1 knows nobody else
// changed the folder).
struct Listing {
  std::shared_ptr<const std::vector<std::string>> names;
  uint64_t version = 0;
};

// A file written in pieces (a large segment while it is still being compressed): nothing
// of it is visible before `commit`, which stores it whole and atomically, as Pod::write
// does. A writer never committed leaves nothing. Used by one thread; it must not outlive
// its pod.
class PodWriter {
 public:
  virtual ~PodWriter() = default;
  // `data` at `offset` of the file; pieces may come in any order.
  virtual void write_at(uint64_t offset, std::string_view data) = 0;
  // Stores the first `size` bytes written as the file `path` (every byte of them written
  // once). False when a file was there and `overwrite` is not set; the writer may then
  // commit again, with it.
  bool commit(std::string_view path, uint64_t size, bool overwrite = false);

 private:
  virtual bool do_commit(const std::string& path, uint64_t size, bool overwrite) = 0;
};

class Pod : public std::enable_shared_from_this<Pod> {
 public:
  virtual ~Pod() = default;

  // Names (not paths) of the entries of folder `path`, sorted; empty if it does not exist.
  // StorageError when `path` is a file.
  std::vector<std::string> ls(std::string_view path = "") const;
  // The same, for a folder listed again and again (a changelog): a pod may watch the
  // folder and answer from its last listing and the changes reported since, never staler
  // than a listing (the file pod does where the kernel reports every change of the folder).
  Listing ls_watched(std::string_view path = "") const;
  // Whole content of a file. Throws NotFound.
  std::string read(std::string_view path) const;
  // The same, shared without a copy where the backend can.
  BlobPtr read_blob(std::string_view path) const;
  // Bytes [offset, offset + size) of a file, fewer when the file ends before (a range read
  // fetches only what it needs). Throws NotFound.
  std::string read_range(std::string_view path, uint64_t offset, size_t size) const;
  // The same into `dst` (room for `size` bytes); returns how many it holds. A local file is
  // read straight into it: a large range costs no buffer of its own and no copy.
  size_t read_range_into(std::string_view path, uint64_t offset, size_t size, char* dst) const;
  // Size of a file, or nullopt if there is none.
  std::optional<uint64_t> size(std::string_view path) const;
  bool exists(std::string_view path) const { return size(path).has_value(); }
  bool isdir(std::string_view path) const;
  // Atomic write; returns false when the file existed and `overwrite` is false.
  bool write(std::string_view path, std::string_view data, bool overwrite = false);
  // A file written in pieces, named when it is committed (see PodWriter). A local file is
  // written as the pieces come, and synced as it goes; elsewhere the pieces are gathered
  // in memory and written at commit. The pod must be owned by a shared_ptr.
  std::unique_ptr<PodWriter> open_writer();
  // Whether open_writer's pieces go to storage as they come (a local file): only then is
  // a large array worth compressing by pieces (elsewhere the pieces are gathered first).
  bool writes_in_pieces() const { return do_writes_in_pieces(); }
  // Removes a file, or a folder and everything under it when `recursive`.
  // Returns false when there was nothing to remove.
  bool rm(std::string_view path, bool recursive = false);
  // Renames a file; returns false when `from` did not exist.
  bool mv(std::string_view from, std::string_view to);
  // A pod rooted at `path` below this one.
  std::shared_ptr<Pod> cd(std::string_view path);
  // Paths of the files below `path`, at most `max_depth` folders deep (0: no limit).
  std::vector<std::string> walk(std::string_view path = "", int max_depth = 0) const;
  // How many requests are worth sending at once (1 for a pod that gains nothing from it):
  // the engine reads the segments of a series and copies files with this many threads.
  size_t parallelism() const { return do_parallelism(); }
  // Whether a request costs a network round trip (S3): then even small reads are worth
  // sending side by side. On a local pod, handing a small piece to another thread costs
  // more than reading it.
  bool remote() const { return do_remote(); }

  virtual std::string uri() const = 0;

 protected:
  static std::string join(std::string_view a, std::string_view b);
  // A writer that gathers the pieces in memory and calls `write` at commit.
  std::unique_ptr<PodWriter> buffered_writer();

 private:
  virtual std::vector<std::string> do_ls(const std::string& path) const = 0;
  virtual Listing do_ls_watched(const std::string& path) const;
  virtual std::string do_read(const std::string& path) const = 0;
  virtual BlobPtr do_read_blob(const std::string& path) const { return make_blob(do_read(path)); }
  virtual std::string do_read_range(const std::string& path, uint64_t offset, size_t size) const;
  virtual size_t do_read_range_into(const std::string& path, uint64_t offset, size_t size, char* dst) const;
  virtual std::optional<uint64_t> do_size(const std::string& path) const = 0;
  virtual bool do_isdir(const std::string& path) const = 0;
  virtual bool do_write(const std::string& path, std::string_view data, bool overwrite) = 0;
  virtual std::unique_ptr<PodWriter> do_open_writer();
  virtual bool do_writes_in_pieces() const { return false; }
  virtual bool do_rm(const std::string& path, bool recursive) = 0;
  virtual bool do_mv(const std::string& from, const std::string& to) = 0;
  // By default, ls and isdir folder by folder.
  virtual std::vector<std::string> do_walk(const std::string& path, int max_depth) const;
  virtual size_t do_parallelism() const { return 1; }
  virtual bool do_remote() const { return false; }
};

using PodPtr = std::shared_ptr<Pod>;

// Everything in process memory. Each instance is its own empty store.
PodPtr make_memory_pod();

struct FilePodOptions {
  // fsync each file before it becomes visible, and its folder after: a write that
  // returned survives a power loss. On by default; LAKOTA_FSYNC=0 turns it off.
  bool fsync = true;
};

// A folder on the local filesystem (created on first write).
PodPtr make_file_pod(const std::string& root, FilePodOptions options = {});

// Wraps a pod so that every storage access is reported to `log` ("LIST path", "READ path",
// "WRITE path", "SKIP-WRITE path", "REMOVE path", "MOVE a b"), as `lakota -vv` shows them.
PodPtr make_logging_pod(PodPtr inner, std::function<void(const std::string&)> log);

// Builds a pod from a repository URI:
//   a plain path              local folder
//   file:///rel/path          relative path (as the reference reads it)
//   file:////abs/path         absolute path
//   memory://                 a new in-memory store
// Throws InvalidInput naming the URI when it cannot be used (an empty URI included), and
// StorageError when it names a file that is not a folder.
PodPtr pod_from_uri(const std::string& uri);

}  // namespace lakota
