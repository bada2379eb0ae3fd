// What the engine tests share: the pod a parameterized test runs on ("memory"; "file" in a
// fresh temporary folder named after the running test; "s3", a fresh prefix of the test
// bucket on the MinIO server that tests/servers.py starts; "cache", a memory pod in front
// of such a prefix; each removed afterwards), a frame of the `id int*`, `x float` schema
// most tests use, and a pod that fails on demand. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

#include "lakota/error.h"
#include "lakota/model/frame.h"
#include "lakota/model/schema.h"
#include "lakota/storage/pod.h"
#include "lakota/storage/s3.h"

namespace lakota {

// The test S3 server's settings (tests/servers.py), if it runs.
inline std::optional<S3Options> test_s3_options(const std::string& prefix) {
  const char* endpoint = std::getenv("LAKOTA_TEST_S3");
  if (!endpoint || !*endpoint) return std::nullopt;
  S3Options o;
  o.endpoint = endpoint;
  o.bucket = std::getenv("LAKOTA_TEST_S3_BUCKET");
  o.access_key = std::getenv("LAKOTA_TEST_S3_KEY");
  o.secret_key = std::getenv("LAKOTA_TEST_S3_SECRET");
  o.region = "us-east-1";
  o.path_style = true;
  o.profile = "the test server's root user";
  o.prefix = prefix;
  return o;
}

// The pod kinds the engine's tests run on: memory and file, and s3 and cache when the
// test S3 server runs (`make test` starts it).
inline std::vector<std::string> test_pod_kinds() {
  std::vector<std::string> kinds{"memory", "file"};
  if (test_s3_options("")) {
    kinds.push_back("s3");
    kinds.push_back("cache");
  }
  return kinds;
}

// Names the instances of a parameterized test after their pod kind (".../s3").
inline std::string pod_kind_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

inline std::string test_unique_name(const std::string& prefix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "-" + info->name();
  std::replace(name.begin(), name.end(), '/', '_');
  static int counter = 0;
  return prefix + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" + name;
}

// A fresh pod of `kind`. `remote` gets the S3 pod under an s3 or cache pod; `reopen`, a
// function that opens another handle on the same storage, as another process would.
inline PodPtr make_test_pod(const std::string& kind, const std::string& prefix, std::filesystem::path& dir,
                            PodPtr* remote = nullptr, std::function<PodPtr()>* reopen = nullptr) {
  if (kind == "memory") {
    PodPtr pod = make_memory_pod();
    if (reopen) *reopen = [pod] { return pod; };
    return pod;
  }
  if (kind == "s3" || kind == "cache") {
    auto options = test_s3_options(test_unique_name(prefix));
    if (!options) throw std::runtime_error("no test S3 server (LAKOTA_TEST_S3): run the tests with `make test`");
    PodPtr s3 = make_s3_pod(*options);
    if (remote) *remote = s3;
    bool cache = kind == "cache";
    if (reopen) {
      *reopen = [o = *options, cache] {
        PodPtr fresh = make_s3_pod(o);
        return cache ? make_cache_pod(make_memory_pod(), fresh) : fresh;
      };
    }
    return cache ? make_cache_pod(make_memory_pod(), s3) : s3;
  }
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "-" + info->name();
  std::replace(name.begin(), name.end(), '/', '_');
  dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  if (reopen) *reopen = [d = dir.string()] { return make_file_pod(d); };
  return make_file_pod(dir.string());
}

// A test run once per pod kind (INSTANTIATE_TEST_SUITE_P with test_pod_kinds()).
class PodTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { pod = make_test_pod(GetParam(), "lakota-test-", dir, &remote, &reopen); }
  void TearDown() override {
    if (!dir.empty()) std::filesystem::remove_all(dir);
    if (remote) {
      try {
        remote->rm("", true);
      } catch (const Error&) {
      }
    }
  }
  PodPtr pod;
  PodPtr remote;  // the S3 pod under an s3 or cache pod
  std::function<PodPtr()> reopen;  // another handle on the same storage
  std::filesystem::path dir;
};

// Forwards to a pod, counts its reads, fails its n-th write (counting from 1; 0: never),
// and runs a hook after a write.
class FaultyPod final : public Pod {
 public:
  explicit FaultyPod(PodPtr inner) : inner_(std::move(inner)) {}
  std::string uri() const override { return inner_->uri(); }
  int fail_at = 0;
  std::atomic<int> writes{0};
  mutable std::atomic<int> reads{0};
  // Runs once, right after the next write (set it while no write runs).
  std::function<void()> after_next_write;

 private:
  std::vector<std::string> do_ls(const std::string& p) const override { return inner_->ls(p); }
  std::string do_read(const std::string& p) const override {
    ++reads;
    return inner_->read(p);
  }
  std::optional<uint64_t> do_size(const std::string& p) const override { return inner_->size(p); }
  bool do_isdir(const std::string& p) const override { return inner_->isdir(p); }
  bool do_write(const std::string& p, std::string_view d, bool o) override {
    if (++writes == fail_at) throw StorageError("injected failure writing " + p);
    bool written = inner_->write(p, d, o);
    std::function<void()> hook;
    {
      std::lock_guard lock(hook_mutex_);
      hook = std::move(after_next_write);
      after_next_write = nullptr;
    }
    if (hook) hook();
    return written;
  }
  bool do_rm(const std::string& p, bool r) override { return inner_->rm(p, r); }
  bool do_mv(const std::string& a, const std::string& b) override { return inner_->mv(a, b); }
  PodPtr inner_;
  std::mutex hook_mutex_;
};

// Copies the files of `from` that `to` lacks (a fork of a repository, or its join).
inline void copy_missing(const PodPtr& from, const PodPtr& to) {
  for (const auto& f : from->walk())
    if (!to->exists(f)) to->write(f, from->read(f));
}

// The error a call raises, as text; fails the test when it raises nothing or another kind.
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected error: " << e.what();
    return "";
  }
  ADD_FAILURE() << "no error";
  return "";
}

inline Schema id_x_schema() { return Schema::parse({{"id", "int*"}, {"x", "float"}}); }

inline Frame id_x_frame(const std::vector<int64_t>& ids, const std::vector<double>& xs) {
  return Frame({"id", "x"}, {Column::from_vector(DType::parse("int"), ids), Column::from_vector(DType::parse("float"), xs)});
}

// Rows [first, first + n) of the id/x schema whose values do not compress: its x array
// is a segment file, not embedded in the revision.
inline Frame noisy_frame(int64_t first, size_t n, double value) {
  std::vector<int64_t> ids(n);
  std::vector<double> xs(n);
  uint64_t seed = uint64_t(first) * 31 + uint64_t(value * 7) + 1;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    ids[i] = first + int64_t(i);
    xs[i] = value + double(seed >> 11) / double(1ULL << 53);
  }
  return id_x_frame(ids, xs);
}

}  // namespace lakota
