// Concurrent writers on one collection never corrupt it: every revision they leave reads
// back, and each writer's last write is in some revision.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "lakota/api/repo.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

TEST(Concurrency, WritersOnOneCollectionLeaveReadableRevisions) {
  fs::path dir = fs::temp_directory_path() / ("lakota-concurrency-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Schema schema = Schema::parse({{"id", "int*"}, {"x", "float"}});
  Repo(make_file_pod(dir.string())).create_collection(schema, "c");
  const DType i8 = DType::parse("int"), f8 = DType::parse("float");
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      // Each writer has its own handles, as separate processes would.
      Repo repo(make_file_pod(dir.string()));
      auto s = repo.collection("c").series("w" + std::to_string(w));
      for (int k = 0; k < 15; ++k) {
        std::vector<int64_t> ids(500);
        std::vector<double> xs(500);
        for (int i = 0; i < 500; ++i) ids[i] = k * 500 + i, xs[i] = w * 1000 + k + i * 1e-3;
        s.write(Frame({"id", "x"}, {Column::from_vector(i8, ids), Column::from_vector(f8, xs)}));
      }
    });
  }
  for (auto& t : threads) t.join();
  Repo repo(make_file_pod(dir.string()));
  auto revisions = repo.collection("c").revisions();
  EXPECT_GE(revisions.size(), 15u);
  std::set<std::string> seen;
  for (const auto& [rev, commit] : revisions)
    for (const auto& l : commit.labels()) seen.insert(l);
  EXPECT_EQ(seen.size(), 4u);
  // The leaf reads whole for every series it holds.
  auto c = repo.collection("c");
  for (const auto& label : c.ls()) {
    Frame f = c.series(label).read();
    EXPECT_EQ(f.size() % 500, 0u) << label;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lakota
