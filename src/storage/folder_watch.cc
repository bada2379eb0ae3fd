#include "storage/folder_watch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>

#if defined(__linux__)
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <unordered_map>
#endif

namespace lakota::folder_watch {

#if defined(__linux__)
namespace {

constexpr uint32_t kEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// Local file systems, where every change goes through this kernel's VFS and so is reported.
bool reports_every_change(const struct statfs& s) {
  switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53:      // ext2, ext3, ext4
    case 0x58465342:  // XFS
    case 0x9123683E:  // Btrfs
    case 0x01021994:  // tmpfs
    case 0xF2F52010:  // F2FS
      return true;
    default:
      return false;
  }
}

struct Folder {
  dev_t dev = 0;
  ino_t ino = 0;
  std::shared_ptr<std::vector<std::string>> names;  // sorted; shared with the listings handed out
  uint64_t version = 0;
  bool current = false;  // false once an event may have been lost: read the folder again
  uint64_t used = 0;     // when it was last listed, to let the least recent go
  std::vector<std::string> paths;
};

class Watch {
 public:
  static Watch& instance() {
    static Watch* watch = [] {
      auto* w = new Watch;  // never destroyed: listings may run while the process exits
      ::pthread_atfork([] { instance().mu_.lock(); }, [] { instance().mu_.unlock(); },
                       [] {
                         instance().reset();
                         instance().mu_.unlock();
                       });
      return w;
    }();
    return *watch;
  }

  Listing ls(const std::string& path, const std::function<std::vector<std::string>()>& list) {
    if (auto kept = watched(path)) return std::move(*kept);
    // Not watched: the pod lists it, outside the lock (an NFS listing may take a while).
    return {std::make_shared<const std::vector<std::string>>(list()), 0};
  }

  Counts counts() {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_;
  }

 private:
  // The kept listing of `path`, or its first; nullopt when it cannot be watched.
  std::optional<Listing> watched(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    if (pid_ != ::getpid()) reset();
    if (!off_ && fd_ < 0 && !unavailable_) {
      fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
      unavailable_ = fd_ < 0;
    }
    std::optional<Listing> out;
    if (!off_ && fd_ >= 0 && drain()) {
      out = kept_listing(path);
      if (!out) out = read(path);
    }
    if (!out) ++counts_.unwatched;
    return out;
  }

  // The kept listing of `path`, if the folder it names now is the one watched and no
  // event of it was lost.
  std::optional<Listing> kept_listing(const std::string& path) {
    auto at = wd_of_.find(path);
    if (at == wd_of_.end()) return std::nullopt;
    Folder& f = folders_.at(at->second);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || st.st_dev != f.dev || st.st_ino != f.ino) {
      std::erase(f.paths, path);
      wd_of_.erase(at);
      return std::nullopt;
    }
    if (!f.current) return std::nullopt;
    f.used = ++clock_;
    ++counts_.kept;
    return Listing{f.names, f.version};
  }

  // Sets the watch (on the folder opened, so that the inode watched is the inode read),
  // then reads the folder: every change after the watch is set is in the queue, and is
  // applied to what was read at the next listing.
  std::optional<Listing> read(const std::string& path) {
    int dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return std::nullopt;  // missing, a file, no access: the pod's listing says so
    struct statfs sfs;
    struct stat st;
    if (::fstatfs(dir, &sfs) != 0 || !reports_every_change(sfs) || ::fstat(dir, &st) != 0) {
      ::close(dir);
      return std::nullopt;
    }
    if (folders_.size() >= kMaxFolders && !wd_of_.count(path)) forget_least_recent();
    int wd = ::inotify_add_watch(fd_, ("/proc/self/fd/" + std::to_string(dir)).c_str(), kEvents);
    if (wd < 0) {  // no watch left (max_user_watches), or no /proc
      ::close(dir);
      return std::nullopt;
    }
    DIR* d = ::fdopendir(dir);
    if (!d) {
      ::close(dir);
      forget(wd);
      return std::nullopt;
    }
    auto names = std::make_shared<std::vector<std::string>>();
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name != "." && name != "..") names->emplace_back(name);
    }
    bool failed = errno != 0;
    ::closedir(d);
    if (failed) {
      forget(wd);
      return std::nullopt;
    }
    std::sort(names->begin(), names->end());
    Folder& f = folders_[wd];
    f.dev = st.st_dev;
    f.ino = st.st_ino;
    f.names = std::move(names);
    f.version = ++epochs_ << 32;
    f.current = true;
    f.used = ++clock_;
    if (std::find(f.paths.begin(), f.paths.end(), path) == f.paths.end()) f.paths.push_back(path);
    wd_of_[path] = wd;
    ++counts_.read;
    return Listing{f.names, f.version};
  }

  // Applies the queued events to the kept listings. False when the queue cannot be read.
  bool drain() {
    alignas(struct inotify_event) char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        return false;
      }
      if (n == 0) return true;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const struct inotify_event*>(buf + at);
        at += ssize_t(sizeof(struct inotify_event) + e->len);
        apply(*e);
      }
    }
  }

  void apply(const struct inotify_event& e) {
    if (e.mask & IN_Q_OVERFLOW) {
      for (auto& [wd, f] : folders_) f.current = false;
      return;
    }
    auto it = folders_.find(e.wd);
    if (it == folders_.end()) return;
    if (e.mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
      forget(e.wd);
      return;
    }
    Folder& f = it->second;
    if (!f.current || e.len == 0) return;
    std::string name(e.name);  // NUL-padded to e.len
    auto at = std::lower_bound(f.names->begin(), f.names->end(), name);
    bool present = at != f.names->end() && *at == name;
    if ((e.mask & IN_MOVED_TO) && present) {
      // A rename over a name, or an exchange of two (RENAME_EXCHANGE), whose events are
      // those of two renames over names: only a read tells them apart.
      f.current = false;
    } else if ((e.mask & (IN_CREATE | IN_MOVED_TO)) && !present) {
      size_t i = size_t(at - f.names->begin());
      auto& names = own(f);
      names.insert(names.begin() + std::ptrdiff_t(i), std::move(name));
      changed(f);
    } else if ((e.mask & (IN_DELETE | IN_MOVED_FROM)) && present) {
      size_t i = size_t(at - f.names->begin());
      auto& names = own(f);
      names.erase(names.begin() + std::ptrdiff_t(i));
      changed(f);
    }
  }

  // One name more or less: the next version, or a new epoch when the count would overflow
  // (the next version then does not say "one change").
  void changed(Folder& f) { f.version = (f.version & 0xffffffffu) == 0xffffffffu ? ++epochs_ << 32 : f.version + 1; }

  // The names of `f`, to change: a copy when a listing handed out still holds them.
  static std::vector<std::string>& own(Folder& f) {
    if (f.names.use_count() > 1) {
      f.names = std::make_shared<std::vector<std::string>>(*f.names);
    } else {
      // The last holder let go (its release pairs with this): its reads came before.
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *f.names;
  }

  void forget(int wd) {
    auto it = folders_.find(wd);
    if (it != folders_.end()) {
      for (const auto& p : it->second.paths) wd_of_.erase(p);
      folders_.erase(it);
    }
    ::inotify_rm_watch(fd_, wd);  // EINVAL when the kernel already removed it
  }

  void forget_least_recent() {
    auto oldest = folders_.begin();
    for (auto it = folders_.begin(); it != folders_.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    if (oldest != folders_.end()) forget(oldest->first);
  }

  // A new process (after fork) starts afresh: the queue it inherited is its parent's.
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    unavailable_ = false;
    folders_.clear();
    wd_of_.clear();
    pid_ = ::getpid();
  }

  std::mutex mu_;
  const bool off_ = [] {
    const char* env = std::getenv("LAKOTA_WATCH");
    return env && (std::string(env) == "0" || std::string(env) == "false" || std::string(env) == "no");
  }();
  pid_t pid_ = -1;
  int fd_ = -1;
  bool unavailable_ = false;  // inotify_init1 failed (max_user_instances)
  std::unordered_map<int, Folder> folders_;
  std::unordered_map<std::string, int> wd_of_;
  uint64_t clock_ = 0;
  uint64_t epochs_ = 0;  // not reset in a child: an epoch is never given twice
  Counts counts_;
};

}  // namespace

Listing ls(const std::string& path, const std::function<std::vector<std::string>()>& list) {
  return Watch::instance().ls(path, list);
}

Counts counts() { return Watch::instance().counts(); }

bool watchable(const std::string& path) {
  struct statfs s;
  return ::statfs(path.c_str(), &s) == 0 && reports_every_change(s);
}

#else

namespace {
std::mutex mu;
Counts totals;
}  // namespace

Listing ls(const std::string&, const std::function<std::vector<std::string>()>& list) {
  {
    std::lock_guard<std::mutex> lock(mu);
    ++totals.unwatched;
  }
  return {std::make_shared<const std::vector<std::string>>(list()), 0};
}

Counts counts() {
  std::lock_guard<std::mutex> lock(mu);
  return totals;
}

bool watchable(const std::string&) { return false; }

#endif

}  // namespace lakota::folder_watch
