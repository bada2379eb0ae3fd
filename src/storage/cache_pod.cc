// The cache pod: a local pod in front of a remote one (see s3.h).
#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace lakota {
namespace {

class CachePod final : public Pod {
 public:
  CachePod(PodPtr local, PodPtr remote) : local_(std::move(local)), remote_(std::move(remote)) {}
  std::string uri() const override { return remote_->uri(); }

 private:
  size_t do_parallelism() const override { return remote_->parallelism(); }
  bool do_remote() const override { return remote_->remote(); }

  // The state of the repository is the remote's: it answers every question about what
  // exists, so that nothing stale is ever listed.
  std::vector<std::string> do_ls(const std::string& p) const override { return remote_->ls(p); }
  Listing do_ls_watched(const std::string& p) const override { return remote_->ls_watched(p); }
  std::vector<std::string> do_walk(const std::string& p, int depth) const override { return remote_->walk(p, depth); }
  std::optional<uint64_t> do_size(const std::string& p) const override { return remote_->size(p); }
  bool do_isdir(const std::string& p) const override { return remote_->isdir(p); }

  // Segments and revision files never change under their names (content addressing): a
  // local copy is as good as the remote's. Tags are names a user may point elsewhere:
  // always the remote's.
  static bool immutable(const std::string& p) { return p.rfind(".lakota-tags/", 0) != 0; }

  std::string do_read(const std::string& p) const override { return std::string(do_read_blob(p)->bytes()); }
  BlobPtr do_read_blob(const std::string& p) const override {
    if (!immutable(p)) return remote_->read_blob(p);
    try {
      return local_->read_blob(p);
    } catch (const NotFound&) {
    }
    BlobPtr blob = remote_->read_blob(p);
    keep(p, blob->bytes());
    return blob;
  }
  std::string do_read_range(const std::string& p, uint64_t offset, size_t size) const override {
    if (immutable(p) && local_->exists(p)) {
      try {
        return local_->read_range(p, offset, size);
      } catch (const NotFound&) {
      }
    }
    return remote_->read_range(p, offset, size);  // a part is not worth keeping
  }
  size_t do_read_range_into(const std::string& p, uint64_t offset, size_t size, char* dst) const override {
    if (immutable(p) && local_->exists(p)) {
      try {
        return local_->read_range_into(p, offset, size, dst);
      } catch (const NotFound&) {
      }
    }
    return remote_->read_range_into(p, offset, size, dst);
  }

  // Writes go to the remote first: the local copy only ever holds what the remote has.
  bool do_write(const std::string& p, std::string_view data, bool overwrite) override {
    bool written = remote_->write(p, data, overwrite);
    if (written && immutable(p)) {
      try {
        local_->write(p, data, true);
      } catch (const Error&) {  // the write is done; a cache that cannot keep it only loses speed
      }
    }
    return written;
  }
  bool do_rm(const std::string& p, bool recursive) override {
    bool removed = remote_->rm(p, recursive);
    forget(p, recursive);
    return removed;
  }
  bool do_mv(const std::string& a, const std::string& b) override {
    bool moved = remote_->mv(a, b);
    try {
      // The local copy follows the remote, and is never a stale copy under the new name.
      if (!moved || !local_->mv(a, b)) {
        local_->rm(a);
        local_->rm(b);
      }
    } catch (const Error&) {
      forget(a, false);
      forget(b, false);
    }
    return moved;
  }

  // Drops a local copy; the remote's change is done whatever happens here.
  void forget(const std::string& p, bool recursive) {
    try {
      local_->rm(p, recursive);
    } catch (const Error&) {
    }
  }

  void keep(const std::string& p, std::string_view data) const {
    try {
      local_->write(p, data, true);
    } catch (const Error&) {  // a full or read-only cache: read from the remote next time
    }
  }

  PodPtr local_, remote_;
};

}  // namespace

PodPtr make_cache_pod(PodPtr local, PodPtr remote) {
  return std::make_shared<CachePod>(std::move(local), std::move(remote));
}

PodPtr pod_from_uris(const std::vector<std::string>& uris) {
  if (uris.empty()) throw InvalidInput("no repository URI given");
  if (uris.size() == 1) return pod_from_uri(uris[0]);
  std::vector<std::string> rest(uris.begin() + 1, uris.end());
  return make_cache_pod(pod_from_uri(uris[0]), pod_from_uris(rest));
}

}  // namespace lakota
