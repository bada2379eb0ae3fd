// The pod a parameterized engine test runs on: "memory", or "file" in a fresh temporary
// folder named after the running test (`dir`, which the test removes). Tests only.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "lakota/storage/pod.h"

namespace lakota {

inline PodPtr make_test_pod(const std::string& kind, const std::string& prefix, std::filesystem::path& dir) {
  if (kind == "memory") return make_memory_pod();
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '_');
  dir = std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  return make_file_pod(dir.string());
}

}  // namespace lakota
