// The S3 pod: files are objects under the repository's prefix, folders are key prefixes.
#include <pugixml.hpp>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <set>

#include "common/thread_pool.h"
#include "lakota/error.h"
#include "lakota/storage/s3.h"
#include "storage/s3_client.h"
#include "storage/sigv4.h"

namespace lakota {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string random_hex(size_t n) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += digits[rng() & 15];
  return out;
}

// Whether a store honours If-None-Match on PUT, found once per endpoint and bucket.
struct ConditionalCache {
  std::mutex mu;
  std::map<std::string, bool> known;
};
ConditionalCache& conditional_cache() {
  static ConditionalCache cache;
  return cache;
}

class S3Pod final : public Pod {
 public:
  S3Pod(std::shared_ptr<const S3Client> client, std::string root) : client_(std::move(client)), root_(std::move(root)) {}

  std::string uri() const override {
    const auto& o = client_->options();
    std::string host = o.endpoint.empty() ? "" : o.endpoint.substr(o.endpoint.find("://") + 3);
    return "s3://" + host + "/" + o.bucket + (root_.empty() ? "" : "/" + root_);
  }

 private:
  size_t do_parallelism() const override { return client_->options().connections; }
  bool do_remote() const override { return true; }

  std::string key(const std::string& path) const { return join(root_, path); }
  // Prefix that lists the content of folder `path` ("" for the bucket's root).
  std::string folder_prefix(const std::string& path) const {
    std::string k = key(path);
    return k.empty() ? "" : k + "/";
  }

  // One ListObjectsV2 walk over `prefix`, page by page.
  void list(const std::string& prefix, bool delimited, size_t max_keys,
            const std::function<void(std::string_view key, bool folder, uint64_t size)>& each) const {
    std::string token;
    do {
      S3Call call{"GET", "", {{"list-type", "2"}, {"prefix", prefix}}, {}, {}, 0};
      if (delimited) call.query.emplace_back("delimiter", "/");
      if (max_keys) call.query.emplace_back("max-keys", std::to_string(max_keys));
      if (!token.empty()) call.query.emplace_back("continuation-token", token);
      S3Reply reply = client_->send(call);
      if (reply.http.status != 200) client_->fail(call, reply);
      pugi::xml_document doc;
      if (!doc.load_buffer(reply.http.body.data(), reply.http.body.size())) {
        throw StorageError("listing " + client_->where(prefix) + ": the reply is not XML");
      }
      auto root = doc.child("ListBucketResult");
      if (!root) throw StorageError("listing " + client_->where(prefix) + ": unexpected reply");
      for (auto c : root.children("Contents")) {
        std::string_view k = c.child("Key").text().as_string();
        each(k, false, c.child("Size").text().as_ullong());
      }
      for (auto c : root.children("CommonPrefixes")) each(c.child("Prefix").text().as_string(), true, 0);
      bool truncated = std::string_view(root.child("IsTruncated").text().as_string()) == "true";
      token = truncated ? root.child("NextContinuationToken").text().as_string() : "";
      if (truncated && token.empty()) throw StorageError("listing " + client_->where(prefix) + ": truncated reply without a continuation token");
      if (max_keys) break;
    } while (!token.empty());
  }

  std::vector<std::string> do_ls(const std::string& path) const override {
    std::string prefix = folder_prefix(path);
    std::vector<std::string> out;
    list(prefix, true, 0, [&](std::string_view k, bool folder, uint64_t) {
      std::string_view name = k.substr(std::min(prefix.size(), k.size()));
      if (folder && !name.empty() && name.back() == '/') name.remove_suffix(1);
      if (!name.empty()) out.emplace_back(name);  // "x/" itself: a folder marker, not an entry
    });
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  std::vector<std::string> do_walk(const std::string& path, int max_depth) const override {
    std::string prefix = folder_prefix(path);
    std::vector<std::string> out;
    list(prefix, false, 0, [&](std::string_view k, bool, uint64_t) {
      std::string_view rel = k.substr(std::min(prefix.size(), k.size()));
      if (rel.empty() || rel.back() == '/') return;
      if (max_depth > 0 && std::count(rel.begin(), rel.end(), '/') >= max_depth) return;
      out.push_back(join(path, std::string(rel)));
    });
    std::sort(out.begin(), out.end());
    return out;
  }

  S3Reply get(const std::string& path, const std::vector<std::pair<std::string, std::string>>& headers = {}) const {
    S3Call call{"GET", key(path), {}, headers, {}, 0};
    S3Reply reply = client_->send(call);
    if (reply.http.status == 404) throw NotFound("no file " + client_->where(key(path)));
    if (reply.http.status == 416) return reply;
    if (reply.http.status != 200 && reply.http.status != 206) client_->fail(call, reply);
    return reply;
  }

  std::string do_read(const std::string& path) const override { return std::move(get(path).http.body); }

  std::string do_read_range(const std::string& path, uint64_t offset, size_t size) const override {
    if (size == 0) return {};
    S3Reply reply = get(path, {{"range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + size - 1)}});
    if (reply.http.status == 416) return {};  // the file ends before `offset`
    if (reply.http.status == 200) {           // a store that ignores ranges sends it all
      std::string& all = reply.http.body;
      return offset >= all.size() ? std::string() : all.substr(size_t(offset), size);
    }
    return std::move(reply.http.body);
  }

  std::optional<uint64_t> do_size(const std::string& path) const override {
    if (path.empty()) return std::nullopt;
    S3Call call{"HEAD", key(path), {}, {}, {}, 0};
    S3Reply reply = client_->send(call);
    if (reply.http.status == 404) return std::nullopt;
    if (reply.http.status != 200) client_->fail(call, reply);
    auto len = reply.http.header("content-length");
    if (!len) throw StorageError("HEAD " + client_->where(key(path)) + ": the reply has no Content-Length");
    return std::strtoull(len->c_str(), nullptr, 10);
  }

  bool do_isdir(const std::string& path) const override {
    bool any = false;
    list(folder_prefix(path), true, 1, [&](std::string_view, bool, uint64_t) { any = true; });
    return any;
  }

  // --- writes ---

  bool conditional_writes() const {
    const auto& o = client_->options();
    if (const char* v = std::getenv("LAKOTA_S3_CONDITIONAL_WRITES"); v && *v) return std::string(v) != "0";
    std::string id = o.endpoint + "|" + o.region + "|" + o.bucket;
    auto& cache = conditional_cache();
    {
      std::lock_guard lock(cache.mu);
      if (auto it = cache.known.find(id); it != cache.known.end()) return it->second;
    }
    auto supported = probe_conditional_writes();
    if (!supported) return false;  // credentials that cannot write: ask again with others
    std::lock_guard lock(cache.mu);
    cache.known[id] = *supported;
    return *supported;
  }

  // Puts a probe object twice with If-None-Match: *: a store that honours the header
  // refuses the second put. The probe sits at the top of the repository, where neither
  // our gc nor the reference's looks (a file, not a segment folder), and is removed.
  // nullopt: the credentials may not write (nothing is learnt about the store).
  std::optional<bool> probe_conditional_writes() const {
    std::string probe = key(".lakota-probe-" + random_hex(16));
    S3Call put{"PUT", probe, {}, {{"if-none-match", "*"}}, "probe", 0};
    S3Call del{"DELETE", probe, {}, {}, {}, 0};
    auto remove = [&] {
      try {
        client_->send(del);
      } catch (const Error&) {
      }
    };
    S3Reply first;
    try {
      first = client_->send(put);
    } catch (const AccessDenied&) {
      return std::nullopt;
    }
    // A first put refused although the name is new: its own earlier attempt got through
    // (the reply was lost) and the store honoured the header on the retry.
    if (first.http.status == 412 && first.retried_after_send) {
      remove();
      return true;
    }
    if (first.http.status != 200) return false;  // 501, 400: the header is not understood
    S3Reply second = client_->send(put);
    remove();
    return second.http.status == 412;
  }

  bool same_content(const std::string& k, std::string_view data) const {
    S3Call call{"GET", k, {}, {}, {}, data.size()};
    S3Reply reply = client_->send(call);
    return reply.http.status == 200 && reply.http.body == data;
  }

  bool do_write(const std::string& path, std::string_view data, bool overwrite) override {
    std::string k = key(path);
    bool conditional = !overwrite && conditional_writes();
    bool multipart = data.size() >= client_->options().multipart_threshold;
    // A store may honour If-None-Match on a put but not on completing an upload: a large
    // write checks first too (one request more for a file of 64 MB or more).
    if (!overwrite && (!conditional || multipart) && do_size(path)) return false;
    if (multipart) return write_multipart(k, data, conditional);
    S3Call call{"PUT", k, {}, {}, data, 0};
    if (conditional) call.headers.emplace_back("if-none-match", "*");
    S3Reply reply = client_->send(call);
    if (reply.http.status == 412 && conditional) {
      // There already. Unless an earlier attempt of this very put got through before its
      // reply was lost: then the file is ours.
      return reply.retried_after_send && same_content(k, data);
    }
    if (reply.http.status != 200) client_->fail(call, reply);
    return true;
  }

  bool write_multipart(const std::string& k, std::string_view data, bool conditional) {
    const auto& o = client_->options();
    S3Call create{"POST", k, {{"uploads", ""}}, {}, {}, 0};
    S3Reply created = client_->send(create);
    if (created.http.status != 200) client_->fail(create, created);
    std::string upload = xml_text(created.http.body, "UploadId");
    if (upload.empty()) throw StorageError("POST " + client_->where(k) + ": the multipart upload got no UploadId");
    auto abort = [&] {
      try {
        client_->send(S3Call{"DELETE", k, {{"uploadId", upload}}, {}, {}, 0});
      } catch (const Error&) {
      }
    };
    try {
      uint64_t part = std::max<uint64_t>(o.part_size, uint64_t(5) << 20);
      size_t parts = size_t((data.size() + part - 1) / part);
      std::vector<std::string> etags(parts);
      // A few parts at a time: the caller may be one of many writers in flight already.
      parallel_for(parts, std::min<size_t>(o.connections, 4), [&](size_t i) {
        std::string_view body = data.substr(size_t(i * part), size_t(part));
        S3Call put{"PUT", k, {{"partNumber", std::to_string(i + 1)}, {"uploadId", upload}}, {}, body, 0};
        S3Reply r = client_->send(put);
        if (r.http.status != 200) client_->fail(put, r);
        auto etag = r.http.header("etag");
        if (!etag) throw StorageError("PUT " + client_->where(k) + ": part " + std::to_string(i + 1) + " got no ETag");
        etags[i] = *etag;
      });
      std::string xml = "<CompleteMultipartUpload>";
      for (size_t i = 0; i < parts; ++i)
        xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" + xml_escape(etags[i]) + "</ETag></Part>";
      xml += "</CompleteMultipartUpload>";
      S3Call complete{"POST", k, {{"uploadId", upload}}, {{"content-type", "application/xml"}}, xml, 0};
      if (conditional) complete.headers.emplace_back("if-none-match", "*");
      S3Reply done = client_->send(complete);
      if (done.http.status == 412 && conditional) {
        abort();
        return done.retried_after_send && same_content(k, data);
      }
      // An earlier attempt completed the upload but its reply was lost: the store has
      // forgotten the upload, and the object holds our bytes.
      if (done.http.status == 404 && done.retried_after_send && same_content(k, data)) return true;
      // CompleteMultipartUpload may fail after its 200 status, in the body.
      if (done.http.status != 200 || !xml_text(done.http.body, "Code").empty()) {
        S3Reply failed = done;
        failed.code = xml_text(done.http.body, "Code");
        failed.message = xml_text(done.http.body, "Message");
        client_->fail(complete, failed);
      }
    } catch (...) {
      abort();
      throw;
    }
    return true;
  }

  // Deletes `keys` (full keys) with DeleteObjects, 1,000 at a time, in parallel.
  void delete_keys(const std::vector<std::string>& keys) {
    size_t batches = (keys.size() + 999) / 1000;
    parallel_for(batches, client_->options().connections, [&](size_t b) {
      std::string xml = "<Delete><Quiet>true</Quiet>";
      for (size_t i = b * 1000; i < std::min(keys.size(), (b + 1) * 1000); ++i)
        xml += "<Object><Key>" + xml_escape(keys[i]) + "</Key></Object>";
      xml += "</Delete>";
      S3Call call{"POST", "", {{"delete", ""}}, {{"content-md5", sigv4::md5_base64(xml)}, {"content-type", "application/xml"}}, xml, 0};
      S3Reply reply = client_->send(call);
      if (reply.http.status != 200) client_->fail(call, reply);
      pugi::xml_document doc;
      if (doc.load_buffer(reply.http.body.data(), reply.http.body.size())) {
        if (auto err = doc.document_element().child("Error")) {
          throw StorageError("removing " + client_->where(err.child("Key").text().as_string()) + " failed (" +
                             err.child("Code").text().as_string() + ": " + err.child("Message").text().as_string() + ")");
        }
      }
    });
  }

  bool do_rm(const std::string& path, bool recursive) override {
    if (!recursive) {
      if (path.empty() || !do_size(path)) return false;
      S3Call call{"DELETE", key(path), {}, {}, {}, 0};
      S3Reply reply = client_->send(call);
      if (reply.http.status != 204 && reply.http.status != 200 && reply.http.status != 404) client_->fail(call, reply);
      return reply.http.status != 404;
    }
    std::vector<std::string> keys;
    std::string prefix = folder_prefix(path);
    list(prefix, false, 0, [&](std::string_view k, bool, uint64_t) { keys.emplace_back(k); });
    if (!path.empty() && do_size(path)) keys.push_back(key(path));
    if (keys.empty()) return false;
    delete_keys(keys);
    return true;
  }

  bool do_mv(const std::string& from, const std::string& to) override {
    const auto& o = client_->options();
    std::string source = "/" + o.bucket + "/" + key(from);
    S3Call copy{"PUT", key(to), {}, {{"x-amz-copy-source", sigv4::uri_encode(source, true)}}, {}, 0};
    S3Reply reply = client_->send(copy);
    if (reply.http.status == 404) return false;
    // CopyObject may fail after its 200 status, in the body.
    std::string code = reply.http.status == 200 ? xml_text(reply.http.body, "Code") : reply.code;
    if (reply.http.status != 200 || !code.empty()) {
      reply.code = code;
      client_->fail(copy, reply);
    }
    S3Call del{"DELETE", key(from), {}, {}, {}, 0};
    S3Reply gone = client_->send(del);
    if (gone.http.status != 204 && gone.http.status != 200 && gone.http.status != 404) client_->fail(del, gone);
    return true;
  }

  std::shared_ptr<const S3Client> client_;
  std::string root_;
};

}  // namespace

PodPtr make_s3_pod(S3Options options) {
  auto root = options.prefix;
  return std::make_shared<S3Pod>(std::make_shared<const S3Client>(std::move(options)), root);
}

}  // namespace lakota
