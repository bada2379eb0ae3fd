// What the engine tests share: the pod a parameterized test runs on ("memory", or "file"
// in a fresh temporary folder named after the running test, removed afterwards), and a
// frame of the `id int*`, `x float` schema most tests use, and a pod that fails on demand.
// Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "lakota/error.h"
#include "lakota/model/frame.h"
#include "lakota/model/schema.h"
#include "lakota/storage/pod.h"

namespace lakota {

inline PodPtr make_test_pod(const std::string& kind, const std::string& prefix, std::filesystem::path& dir) {
  if (kind == "memory") return make_memory_pod();
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "-" + info->name();
  std::replace(name.begin(), name.end(), '/', '_');
  dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return make_file_pod(dir.string());
}

// A test run once per pod kind (INSTANTIATE_TEST_SUITE_P with "memory", "file").
class PodTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { pod = make_test_pod(GetParam(), "lakota-test-", dir); }
  void TearDown() override {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  PodPtr pod;
  std::filesystem::path dir;
};

// Forwards to a pod and fails its n-th write (counting from 1; 0: never).
class FaultyPod final : public Pod {
 public:
  explicit FaultyPod(PodPtr inner) : inner_(std::move(inner)) {}
  std::string uri() const override { return inner_->uri(); }
  int fail_at = 0;
  int writes = 0;

 private:
  std::vector<std::string> do_ls(const std::string& p) const override { return inner_->ls(p); }
  std::string do_read(const std::string& p) const override { return inner_->read(p); }
  std::optional<uint64_t> do_size(const std::string& p) const override { return inner_->size(p); }
  bool do_isdir(const std::string& p) const override { return inner_->isdir(p); }
  bool do_write(const std::string& p, std::string_view d, bool o) override {
    if (++writes == fail_at) throw StorageError("injected failure writing " + p);
    return inner_->write(p, d, o);
  }
  bool do_rm(const std::string& p, bool r) override { return inner_->rm(p, r); }
  bool do_mv(const std::string& a, const std::string& b) override { return inner_->mv(a, b); }
  PodPtr inner_;
};

// Copies the files of `from` that `to` lacks (a fork of a repository, or its join).
inline void copy_missing(const PodPtr& from, const PodPtr& to) {
  for (const auto& f : from->walk())
    if (!to->exists(f)) to->write(f, from->read(f));
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
