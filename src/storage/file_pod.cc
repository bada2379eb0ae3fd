// Local folder backend.
//
// Atomic, write-once files: the content goes to an anonymous O_TMPFILE inode in the target
// folder, which linkat() then names; linkat fails with EEXIST when the file exists, which
// doubles as the write-once check. Where the filesystem has no O_TMPFILE, the content goes
// to a dot-less file in the top-level `.lakota-tmp` folder (a name the reference never
// parses) and is hard-linked into place (or renamed, to overwrite). Folders a write creates
// are synced in their parents, so a write that returned survives a power loss whole.
//
// Files are read, never memory-mapped: another program (a reference writer writes in place)
// may truncate a file under a mapping, and the SIGBUS that follows would end the process.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "lakota/error.h"
#include "lakota/memory.h"
#include "lakota/storage/pod.h"
#include "storage/folder_watch.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

constexpr const char* kTmpFolder = ".lakota-tmp";

[[noreturn]] void fail(const std::string& what, const std::string& path, int err = errno) {
  if (err == ENOENT) throw NotFound(what + " '" + path + "': no such file or folder");
  throw StorageError(what + " '" + path + "': " + std::strerror(err));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string random_name() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d-%016llx-%llu", int(::getpid()), (unsigned long long)rng(),
                (unsigned long long)counter++);
  return buf;
}

class FilePod final : public Pod {
 public:
  FilePod(std::string root, FilePodOptions options) : root_(std::move(root)), options_(options) {
    if (const char* env = std::getenv("LAKOTA_FSYNC")) {
      options_.fsync = !(std::string(env) == "0" || std::string(env) == "false" || std::string(env) == "no");
    }
  }
  std::string uri() const override { return root_; }

 private:
  std::string abs(const std::string& path) const { return path.empty() ? root_ : root_ + "/" + path; }

  // Reads of several segments overlap their I/O and decode.
  size_t do_parallelism() const override { return 4; }

  std::vector<std::string> do_ls(const std::string& path) const override {
    std::vector<std::string> out;
    std::string full = abs(path);
    DIR* dir = ::opendir(full.c_str());
    if (!dir) {
      if (errno == ENOENT) return out;
      if (errno == ENOTDIR) throw StorageError("cannot list '" + full + "': it is a file, not a folder");
      fail("cannot list", full);
    }
    while (struct dirent* e = ::readdir(dir)) {
      std::string_view name = e->d_name;
      if (name == "." || name == ".." || (path.empty() && name == kTmpFolder)) continue;
      out.emplace_back(name);
    }
    ::closedir(dir);
    std::sort(out.begin(), out.end());
    return out;
  }

  // Changelogs: kept current by the kernel's change reports (storage/folder_watch.h).
  Listing do_ls_watched(const std::string& path) const override {
    if (path.empty()) return {std::make_shared<const std::vector<std::string>>(do_ls(path)), 0};  // the root holds the temporary folder
    return folder_watch::ls(abs(path), [&] { return do_ls(path); });
  }

  // Opens a file for reading and returns its size; a folder is an input error.
  Fd open_file(const std::string& full, size_t& size) const {
    Fd fd(::open(full.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail("cannot read", full);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) fail("cannot read", full);
    if (S_ISDIR(st.st_mode)) throw InvalidInput("cannot read '" + full + "': it is a folder");
    size = size_t(st.st_size);
    return fd;
  }

  // Reads up to `size` bytes into `out`; returns how many (fewer when the file shrank).
  static size_t read_into(const Fd& fd, char* out, size_t size, const std::string& full) {
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::read(fd.get(), out + done, size - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("cannot read", full);
      }
      if (n == 0) break;
      done += size_t(n);
    }
    return done;
  }

  // A file's bytes in memory of their own: nothing zero-fills it before the read, and a
  // large one asks for huge pages.
  class FileBlob final : public Blob {
   public:
    explicit FileBlob(size_t n) : ptr_(allocate_uninitialised(n, kHugePage)) {}
    ~FileBlob() override { std::free(ptr_); }
    char* data() { return static_cast<char*>(ptr_); }
    void set_size(size_t n) { view_ = std::string_view(data(), n); }

   private:
    void* ptr_;
  };

  BlobPtr do_read_blob(const std::string& path) const override {
    std::string full = abs(path);
    size_t size;
    Fd fd = open_file(full, size);
    auto blob = std::make_shared<FileBlob>(size);
    blob->set_size(read_into(fd, blob->data(), size, full));
    return blob;
  }

  static std::string read_all(const Fd& fd, size_t size, const std::string& full) {
    std::string out(size, '\0');
    out.resize(read_into(fd, out.data(), size, full));
    return out;
  }

  std::string do_read(const std::string& path) const override {
    std::string full = abs(path);
    size_t size;
    Fd fd = open_file(full, size);
    return read_all(fd, size, full);
  }

  std::string do_read_range(const std::string& path, uint64_t offset, size_t size) const override {
    std::string full = abs(path);
    size_t file_size;
    Fd fd = open_file(full, file_size);
    if (offset >= file_size) return {};
    std::string out(std::min<uint64_t>(size, file_size - offset), '\0');
    out.resize(pread_all(fd, offset, out.size(), out.data(), full));
    return out;
  }

  size_t do_read_range_into(const std::string& path, uint64_t offset, size_t size, char* dst) const override {
    std::string full = abs(path);
    size_t file_size;
    Fd fd = open_file(full, file_size);
    if (offset >= file_size) return 0;
    return pread_all(fd, offset, std::min<uint64_t>(size, file_size - offset), dst, full);
  }

  // Fewer bytes than asked when the file was truncated meanwhile.
  static size_t pread_all(const Fd& fd, uint64_t offset, size_t size, char* dst, const std::string& full) {
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::pread(fd.get(), dst + done, size - done, off_t(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("cannot read", full);
      }
      if (n == 0) break;
      done += size_t(n);
    }
    return done;
  }

  std::optional<uint64_t> do_size(const std::string& path) const override {
    struct stat st;
    if (::stat(abs(path).c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
    return uint64_t(st.st_size);
  }

  bool do_isdir(const std::string& path) const override {
    struct stat st;
    return ::stat(abs(path).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  // Creates the missing folders above `full` (not the root, which the first write makes),
  // and syncs each new folder in its parent.
  void make_parents(const std::string& full) const {
    std::string parent = fs::path(full).parent_path().string();
    std::vector<std::string> missing;
    for (std::string dir = parent; !dir.empty(); dir = fs::path(dir).parent_path().string()) {
      struct stat st;
      if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw StorageError("cannot create folder '" + dir + "': a file has that name");
        break;
      }
      if (errno != ENOENT) fail("cannot create folder", dir);
      missing.push_back(dir);
      if (fs::path(dir).parent_path().string() == dir) break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
      if (::mkdir(it->c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create folder", *it);
      sync_dir(*it);
    }
  }

  void write_all(int fd, std::string_view data, const std::string& full) const {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        fail("cannot write", full);
      }
      done += n;
    }
    if (options_.fsync && ::fdatasync(fd) != 0) fail("cannot sync", full);
  }

  // Syncs the folder that holds `full`, so that its entry survives a power loss.
  void sync_dir(const std::string& full) const {
    if (!options_.fsync) return;
    std::string dir = fs::path(full).parent_path().string();
    if (dir.empty()) dir = ".";
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) fail("cannot sync folder", dir);
    if (::fsync(fd.get()) != 0 && errno != EINVAL) fail("cannot sync folder", dir);
  }

  bool do_write(const std::string& path, std::string_view data, bool overwrite) override {
    std::string full = abs(path);
    make_parents(full);
    if (!overwrite) {
      std::string dir = fs::path(full).parent_path().string();
      int raw = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
      if (raw >= 0) {
        Fd fd(raw);
        write_all(fd.get(), data, full);
        std::string proc = "/proc/self/fd/" + std::to_string(fd.get());
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, full.c_str(), AT_SYMLINK_FOLLOW) != 0) {
          if (errno == EEXIST) return false;
          fail("cannot write", full);
        }
        sync_dir(full);
        return true;
      }
      // No O_TMPFILE here: fall through to a named temporary file.
      if (exists_file(full)) return false;
    }
    std::string tmp_dir = root_ + "/" + kTmpFolder;
    std::string tmp;
    // Another writer removes the folder once it is empty (see below): between our mkdir and
    // our open it may be gone again, so try again.
    for (int attempt = 0;; ++attempt) {
      if (::mkdir(tmp_dir.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create folder", tmp_dir);
      tmp = tmp_dir + "/" + random_name();
      Fd fd(::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644));
      if (fd.get() < 0) {
        if (errno == ENOENT && attempt < 1000) continue;
        fail("cannot write", tmp);
      }
      try {
        write_all(fd.get(), data, full);
      } catch (...) {
        ::unlink(tmp.c_str());
        throw;
      }
      break;
    }
    bool written = true;
    if (overwrite) {
      if (::rename(tmp.c_str(), full.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        fail("cannot write", full, err);
      }
    } else {
      if (::link(tmp.c_str(), full.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        if (err != EEXIST) fail("cannot write", full, err);
        written = false;
      } else {
        ::unlink(tmp.c_str());
      }
    }
    ::rmdir(tmp_dir.c_str());  // only succeeds when no other writer uses it
    if (written) sync_dir(full);
    return written;
  }

  // A file written as its pieces come, into an unnamed file of the pod's filesystem
  // (O_TMPFILE in the root), each piece handed to the disk at once when syncs are on (so
  // that the sync at commit waits for little), linked under its name at commit.
  class Writer final : public PodWriter {
   public:
    Writer(std::shared_ptr<FilePod> pod, Fd fd) : pod_(std::move(pod)), fd_(std::move(fd)) {}
    void write_at(uint64_t offset, std::string_view data) override {
      size_t done = 0;
      while (done < data.size()) {
        ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done, off_t(offset + done));
        if (n < 0) {
          if (errno == EINTR) continue;
          fail("cannot write", pod_->root_ + " (an unnamed file)");
        }
        done += size_t(n);
      }
      if (pod_->options_.fsync) ::sync_file_range(fd_.get(), off_t(offset), off_t(data.size()), SYNC_FILE_RANGE_WRITE);
    }

   private:
    bool do_commit(const std::string& path, uint64_t size, bool overwrite) override {
      std::string full = pod_->abs(path);
      if (!sized_) {
        if (::ftruncate(fd_.get(), off_t(size)) != 0) fail("cannot write", full);
        if (pod_->options_.fsync && ::fdatasync(fd_.get()) != 0) fail("cannot sync", full);
        sized_ = true;
      }
      pod_->make_parents(full);
      std::string proc = "/proc/self/fd/" + std::to_string(fd_.get());
      if (!overwrite) {
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, full.c_str(), AT_SYMLINK_FOLLOW) != 0) {
          if (errno == EEXIST) return false;
          if (errno == EXDEV) return written_whole(path, size, overwrite);
          fail("cannot write", full);
        }
      } else {
        // A name of its own first, then renamed over the file. Another writer removes the
        // temporary folder once it is empty: between our mkdir and our link it may be gone.
        std::string tmp_dir = pod_->root_ + "/" + kTmpFolder, tmp;
        for (int attempt = 0;; ++attempt) {
          if (::mkdir(tmp_dir.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create folder", tmp_dir);
          tmp = tmp_dir + "/" + random_name();
          if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) == 0) break;
          if (errno == ENOENT && attempt < 1000) continue;
          if (errno == EXDEV) return written_whole(path, size, overwrite);
          fail("cannot write", tmp);
        }
        if (::rename(tmp.c_str(), full.c_str()) != 0) {
          int err = errno;
          ::unlink(tmp.c_str());
          fail("cannot write", full, err);
        }
        ::rmdir(tmp_dir.c_str());  // only succeeds when no other writer uses it
      }
      pod_->sync_dir(full);
      return true;
    }
    // The file's folder is on another filesystem than the root (a mount below it): the
    // bytes are read back and written as `write` writes them.
    bool written_whole(const std::string& path, uint64_t size, bool overwrite) {
      std::string data(size, '\0');
      if (pread_all(fd_, 0, size, data.data(), pod_->root_) != size) fail("cannot read back", pod_->abs(path), EIO);
      return pod_->do_write(path, data, overwrite);
    }
    std::shared_ptr<FilePod> pod_;  // the writer may outlive its caller's pointer
    Fd fd_;
    bool sized_ = false;
  };

  std::unique_ptr<PodWriter> do_open_writer() override {
    int raw = ::open(root_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (raw < 0) return buffered_writer();  // no root yet, or no O_TMPFILE here: in memory
    return std::make_unique<Writer>(std::static_pointer_cast<FilePod>(shared_from_this()), Fd(raw));
  }
  bool do_writes_in_pieces() const override { return true; }

  static bool exists_file(const std::string& full) {
    struct stat st;
    return ::stat(full.c_str(), &st) == 0;
  }

  bool do_rm(const std::string& path, bool recursive) override {
    std::string full = abs(path);
    std::error_code ec;
    if (recursive) {
      auto n = fs::remove_all(full, ec);
      if (ec) fail("cannot remove", full, ec.value());
      return n > 0;
    }
    bool removed = fs::remove(full, ec);
    if (ec) fail("cannot remove", full, ec.value());
    return removed;
  }

  bool do_mv(const std::string& from, const std::string& to) override {
    std::string a = abs(from), b = abs(to);
    make_parents(b);
    if (::rename(a.c_str(), b.c_str()) != 0) {
      if (errno == ENOENT) return false;
      fail("cannot move", a);
    }
    sync_dir(b);
    return true;
  }

  std::string root_;
  FilePodOptions options_;
};

}  // namespace

PodPtr make_file_pod(const std::string& root, FilePodOptions options) {
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  struct stat st;
  if (::stat(r.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    throw StorageError("repository '" + r + "' is a file, not a folder");
  return std::make_shared<FilePod>(r, options);
}

}  // namespace lakota
