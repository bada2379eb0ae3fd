#include <algorithm>
#include <map>
#include <mutex>

#include "lakota/error.h"
#include "lakota/storage/pod.h"

namespace lakota {
namespace {

class SharedBlob final : public Blob {
 public:
  explicit SharedBlob(std::shared_ptr<const std::string> s) : s_(std::move(s)) { view_ = *s_; }

 private:
  std::shared_ptr<const std::string> s_;
};

// Files in an ordered map keyed by path; folders exist implicitly while they hold files.
class MemoryPod final : public Pod {
 public:
  std::string uri() const override { return "memory://"; }

 private:
  using Map = std::map<std::string, std::shared_ptr<const std::string>, std::less<>>;

  static std::string dir_prefix(const std::string& path) { return path.empty() ? "" : path + "/"; }

  size_t do_parallelism() const override { return 2; }  // decodes side by side

  std::vector<std::string> do_ls(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    if (!path.empty() && files_.count(path)) throw StorageError("cannot list '" + path + "': it is a file, not a folder");
    std::vector<std::string> out;
    std::string prefix = dir_prefix(path);
    for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
      const std::string& key = it->first;
      if (key.compare(0, prefix.size(), prefix) != 0) break;
      auto slash = key.find('/', prefix.size());
      std::string name = key.substr(prefix.size(), slash == std::string::npos ? std::string::npos : slash - prefix.size());
      if (out.empty() || out.back() != name) out.push_back(name);
      if (slash != std::string::npos) {
        // Skip the rest of this sub-folder.
        it = files_.lower_bound(prefix + name + "0");  // '0' follows '/'
        if (it == files_.end()) break;
        --it;
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  std::string do_read(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end()) throw NotFound("file '" + path + "' not found in memory://");
    return *it->second;
  }

  BlobPtr do_read_blob(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end()) throw NotFound("file '" + path + "' not found in memory://");
    return std::make_shared<SharedBlob>(it->second);
  }

  std::string do_read_range(const std::string& path, uint64_t offset, size_t size) const override {
    std::lock_guard lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end()) throw NotFound("file '" + path + "' not found in memory://");
    const std::string& data = *it->second;
    if (offset >= data.size()) return {};
    return data.substr(size_t(offset), size);
  }

  std::optional<uint64_t> do_size(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second->size();
  }

  bool do_isdir(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    std::string prefix = dir_prefix(path);
    auto it = files_.lower_bound(prefix);
    return it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  }

  bool do_write(const std::string& path, std::string_view data, bool overwrite) override {
    auto content = std::make_shared<const std::string>(data);
    std::lock_guard lock(mutex_);
    auto [it, inserted] = files_.try_emplace(path, content);
    if (!inserted) {
      if (!overwrite) return false;
      it->second = content;
    }
    return true;
  }

  bool do_rm(const std::string& path, bool recursive) override {
    std::lock_guard lock(mutex_);
    bool removed = files_.erase(path) > 0;
    if (recursive) {
      std::string prefix = dir_prefix(path);
      auto it = files_.lower_bound(prefix);
      while (it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
        it = files_.erase(it);
        removed = true;
      }
    }
    return removed;
  }

  bool do_mv(const std::string& from, const std::string& to) override {
    std::lock_guard lock(mutex_);
    auto it = files_.find(from);
    if (it == files_.end()) return false;
    auto content = it->second;
    files_.erase(it);
    files_[to] = content;
    return true;
  }

  mutable std::mutex mutex_;
  Map files_;
};

}  // namespace

PodPtr make_memory_pod() { return std::make_shared<MemoryPod>(); }

}  // namespace lakota
