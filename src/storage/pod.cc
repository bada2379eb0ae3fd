#include "lakota/storage/pod.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace lakota {
namespace {

std::string normalize(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") throw InvalidInput("path '" + std::string(path) + "' leaves its repository");
    if (!part.empty() && part != ".") {
      if (!out.empty()) out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

// Pieces gathered in memory, written at commit.
class BufferedWriter final : public PodWriter {
 public:
  explicit BufferedWriter(std::shared_ptr<Pod> pod) : pod_(std::move(pod)) {}
  void write_at(uint64_t offset, std::string_view data) override {
    if (data_.size() < offset + data.size()) data_.resize(offset + data.size());
    std::memcpy(data_.data() + offset, data.data(), data.size());
  }

 private:
  bool do_commit(const std::string& path, uint64_t size, bool overwrite) override {
    if (size > data_.size()) throw Error("a pod writer was committed with " + std::to_string(size) + " bytes, " +
                                         std::to_string(data_.size()) + " written");
    return pod_->write(path, std::string_view(data_).substr(0, size), overwrite);
  }
  std::shared_ptr<Pod> pod_;
  std::string data_;
};

// A writer whose commit goes through another name (a prefix pod's, a logging pod's).
class RenamingWriter final : public PodWriter {
 public:
  RenamingWriter(std::unique_ptr<PodWriter> inner, std::function<bool(PodWriter&, const std::string&, uint64_t, bool)> commit)
      : inner_(std::move(inner)), commit_(std::move(commit)) {}
  void write_at(uint64_t offset, std::string_view data) override { inner_->write_at(offset, data); }

 private:
  bool do_commit(const std::string& path, uint64_t size, bool overwrite) override {
    return commit_(*inner_, path, size, overwrite);
  }
  std::unique_ptr<PodWriter> inner_;
  std::function<bool(PodWriter&, const std::string&, uint64_t, bool)> commit_;
};

// A view of a pod below one of its folders.
class PrefixPod final : public Pod {
 public:
  PrefixPod(PodPtr base, std::string prefix) : base_(std::move(base)), prefix_(std::move(prefix)) {}
  std::string uri() const override { return join(base_->uri(), prefix_); }

 private:
  std::string full(const std::string& p) const { return join(prefix_, p); }
  std::vector<std::string> do_ls(const std::string& p) const override { return base_->ls(full(p)); }
  Listing do_ls_watched(const std::string& p) const override { return base_->ls_watched(full(p)); }
  std::string do_read(const std::string& p) const override { return base_->read(full(p)); }
  BlobPtr do_read_blob(const std::string& p) const override { return base_->read_blob(full(p)); }
  std::string do_read_range(const std::string& p, uint64_t o, size_t n) const override {
    return base_->read_range(full(p), o, n);
  }
  size_t do_read_range_into(const std::string& p, uint64_t o, size_t n, char* dst) const override {
    return base_->read_range_into(full(p), o, n, dst);
  }
  std::optional<uint64_t> do_size(const std::string& p) const override { return base_->size(full(p)); }
  bool do_isdir(const std::string& p) const override { return base_->isdir(full(p)); }
  bool do_write(const std::string& p, std::string_view d, bool o) override { return base_->write(full(p), d, o); }
  bool do_writes_in_pieces() const override { return base_->writes_in_pieces(); }
  // The writer may outlive this view (`pod->cd(x)->open_writer()`): it keeps the prefix.
  std::unique_ptr<PodWriter> do_open_writer() override {
    return std::make_unique<RenamingWriter>(
        base_->open_writer(), [prefix = prefix_](PodWriter& w, const std::string& p, uint64_t n, bool o) {
          return w.commit(join(prefix, p), n, o);
        });
  }
  bool do_rm(const std::string& p, bool r) override { return base_->rm(full(p), r); }
  bool do_mv(const std::string& a, const std::string& b) override { return base_->mv(full(a), full(b)); }
  std::vector<std::string> do_walk(const std::string& p, int depth) const override {
    auto out = base_->walk(full(p), depth);
    for (auto& f : out) f = f.substr(prefix_.size() + 1);
    return out;
  }
  size_t do_parallelism() const override { return base_->parallelism(); }
  bool do_remote() const override { return base_->remote(); }

  PodPtr base_;
  std::string prefix_;
};

class LoggingPod final : public Pod {
 public:
  LoggingPod(PodPtr inner, std::function<void(const std::string&)> log) : inner_(std::move(inner)), log_(std::move(log)) {}
  std::string uri() const override { return inner_->uri(); }

 private:
  std::string at(const std::string& p) const { return join(inner_->uri(), p); }
  std::vector<std::string> do_ls(const std::string& p) const override {
    log_("LIST " + at(p));
    return inner_->ls(p);
  }
  Listing do_ls_watched(const std::string& p) const override {
    log_("LIST " + at(p));
    return inner_->ls_watched(p);
  }
  std::string do_read(const std::string& p) const override {
    log_("READ " + at(p));
    return inner_->read(p);
  }
  BlobPtr do_read_blob(const std::string& p) const override {
    log_("READ " + at(p));
    return inner_->read_blob(p);
  }
  std::string do_read_range(const std::string& p, uint64_t o, size_t n) const override {
    log_("READ " + at(p) + " [" + std::to_string(o) + ", " + std::to_string(o + n) + ")");
    return inner_->read_range(p, o, n);
  }
  size_t do_read_range_into(const std::string& p, uint64_t o, size_t n, char* dst) const override {
    log_("READ " + at(p) + " [" + std::to_string(o) + ", " + std::to_string(o + n) + ")");
    return inner_->read_range_into(p, o, n, dst);
  }
  std::optional<uint64_t> do_size(const std::string& p) const override { return inner_->size(p); }
  bool do_isdir(const std::string& p) const override { return inner_->isdir(p); }
  bool do_write(const std::string& p, std::string_view d, bool o) override {
    bool written = inner_->write(p, d, o);
    log_((written ? "WRITE " : "SKIP-WRITE ") + at(p));
    return written;
  }
  std::unique_ptr<PodWriter> do_open_writer() override {
    return std::make_unique<RenamingWriter>(
        inner_->open_writer(), [inner = inner_, log = log_](PodWriter& w, const std::string& p, uint64_t n, bool o) {
          bool written = w.commit(p, n, o);
          log((written ? "WRITE " : "SKIP-WRITE ") + join(inner->uri(), p));
          return written;
        });
  }
  bool do_writes_in_pieces() const override { return inner_->writes_in_pieces(); }
  bool do_rm(const std::string& p, bool r) override {
    log_("REMOVE " + at(p));
    return inner_->rm(p, r);
  }
  bool do_mv(const std::string& a, const std::string& b) override {
    log_("MOVE " + at(a) + " " + at(b));
    return inner_->mv(a, b);
  }
  std::vector<std::string> do_walk(const std::string& p, int depth) const override {
    log_("WALK " + at(p));
    return inner_->walk(p, depth);
  }
  size_t do_parallelism() const override { return inner_->parallelism(); }
  bool do_remote() const override { return inner_->remote(); }

  PodPtr inner_;
  std::function<void(const std::string&)> log_;
};

}  // namespace

PodPtr make_logging_pod(PodPtr inner, std::function<void(const std::string&)> log) {
  return std::make_shared<LoggingPod>(std::move(inner), std::move(log));
}

namespace {
class StringBlob final : public Blob {
 public:
  explicit StringBlob(std::string data) : data_(std::move(data)) { view_ = data_; }

 private:
  std::string data_;
};
}  // namespace

BlobPtr make_blob(std::string data) { return std::make_shared<StringBlob>(std::move(data)); }

BlobPtr Pod::read_blob(std::string_view path) const {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot read the root folder of " + uri());
  return do_read_blob(p);
}

std::string Pod::join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  if (out.back() != '/') out += '/';
  out += b;
  return out;
}

std::vector<std::string> Pod::ls(std::string_view path) const { return do_ls(normalize(path)); }
Listing Pod::ls_watched(std::string_view path) const { return do_ls_watched(normalize(path)); }
Listing Pod::do_ls_watched(const std::string& path) const {
  return {std::make_shared<const std::vector<std::string>>(do_ls(path)), 0};
}

std::string Pod::do_read_range(const std::string& path, uint64_t offset, size_t size) const {
  std::string all = do_read(path);
  if (offset >= all.size()) return {};
  return all.substr(size_t(offset), size);
}

std::string Pod::read_range(std::string_view path, uint64_t offset, size_t size) const {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot read the root folder of " + uri());
  return do_read_range(p, offset, size);
}

size_t Pod::do_read_range_into(const std::string& path, uint64_t offset, size_t size, char* dst) const {
  std::string part = do_read_range(path, offset, size);
  size_t n = std::min(part.size(), size);
  std::memcpy(dst, part.data(), n);
  return n;
}

size_t Pod::read_range_into(std::string_view path, uint64_t offset, size_t size, char* dst) const {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot read the root folder of " + uri());
  return do_read_range_into(p, offset, size, dst);
}

std::string Pod::read(std::string_view path) const {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot read the root folder of " + uri());
  return do_read(p);
}

std::optional<uint64_t> Pod::size(std::string_view path) const { return do_size(normalize(path)); }

bool Pod::isdir(std::string_view path) const { return do_isdir(normalize(path)); }

bool Pod::write(std::string_view path, std::string_view data, bool overwrite) {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot write to the root folder of " + uri());
  return do_write(p, data, overwrite);
}

std::unique_ptr<PodWriter> Pod::open_writer() { return do_open_writer(); }

std::unique_ptr<PodWriter> Pod::do_open_writer() { return buffered_writer(); }

std::unique_ptr<PodWriter> Pod::buffered_writer() { return std::make_unique<BufferedWriter>(shared_from_this()); }

bool PodWriter::commit(std::string_view path, uint64_t size, bool overwrite) {
  auto p = normalize(path);
  if (p.empty()) throw InvalidInput("cannot write to the root folder");
  return do_commit(p, size, overwrite);
}

bool Pod::rm(std::string_view path, bool recursive) { return do_rm(normalize(path), recursive); }

bool Pod::mv(std::string_view from, std::string_view to) {
  auto a = normalize(from), b = normalize(to);
  if (a.empty() || b.empty()) throw InvalidInput("cannot move the root folder of " + uri());
  return do_mv(a, b);
}

PodPtr Pod::cd(std::string_view path) {
  auto p = normalize(path);
  if (p.empty()) return shared_from_this();
  return std::make_shared<PrefixPod>(shared_from_this(), p);
}

std::vector<std::string> Pod::walk(std::string_view path, int max_depth) const {
  return do_walk(normalize(path), max_depth);
}

std::vector<std::string> Pod::do_walk(const std::string& path, int max_depth) const {
  std::vector<std::string> out;
  struct Item {
    std::string path;
    int depth;
  };
  std::vector<Item> stack{{path, 0}};
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    auto names = do_ls(item.path);
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
      std::string child = join(item.path, *it);
      if (do_isdir(child)) {
        if (max_depth == 0 || item.depth + 1 < max_depth) stack.push_back({child, item.depth + 1});
      } else {
        out.push_back(child);
      }
    }
  }
  return out;
}

PodPtr pod_from_uri(const std::string& uri) {
  auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) {
    if (uri.empty()) throw InvalidInput("empty repository URI (give a folder, file:///path or memory://)");
    if (uri == ":memory:") return make_memory_pod();
    std::string path = uri;
    if (path[0] == '~') {
      const char* home = std::getenv("HOME");
      if (home) path = std::string(home) + path.substr(1);
    }
    return make_file_pod(path);
  }
  std::string scheme = uri.substr(0, scheme_end);
  std::string rest = uri.substr(scheme_end + 3);
  auto query = rest.find('?');
  if (query != std::string::npos) rest = rest.substr(0, query);
  if (scheme == "memory") return make_memory_pod();
  if (scheme == "file") {
    // Like the reference: file:///x is the relative path x, file:////x the absolute /x.
    if (rest.empty() || rest[0] != '/') {
      throw InvalidInput("malformed repository URI '" + uri +
                         "': a file URI starts with file:/// (relative path) or file://// (absolute)");
    }
    std::string path = rest.substr(1);
    if (path.empty()) throw InvalidInput("repository URI '" + uri + "' names no folder");
    if (path[0] == '~') {
      const char* home = std::getenv("HOME");
      if (home) path = std::string(home) + path.substr(1);
    }
    return make_file_pod(path);
  }
  if (scheme == "s3") return make_s3_pod(s3_options_from_uri(uri));
  if (scheme == "http" || scheme == "https") {
    throw InvalidInput("repository URI '" + uri + "': the " + scheme +
                       " backend is not available in this version (use a folder, memory:// or s3://)");
  }
  throw InvalidInput("repository URI '" + uri + "': unknown scheme '" + scheme +
                     "' (expected a path, file://, memory:// or s3://)");
}

}  // namespace lakota
