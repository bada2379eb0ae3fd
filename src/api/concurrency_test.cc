// Concurrent writers on one collection, with no lock: each writer has its own handles (as
// separate processes would), on the memory pod and on the file pod. Every write lands as
// its own revision, the writers merge the heads they make, and afterwards every row of
// every write is in the state readers see.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "lakota/api/repo.h"
#include "test_pod.h"

namespace lakota {
namespace {

constexpr int kWriters = 6, kWrites = 8, kRows = 50;

Frame block(int writer, int k) {
  std::vector<int64_t> ids(kRows);
  std::vector<double> xs(kRows);
  for (int i = 0; i < kRows; ++i) {
    ids[i] = (int64_t(k) * kWriters + writer) * kRows + i;  // disjoint ranges
    xs[i] = writer * 1000 + k + i * 1e-3;
  }
  return id_x_frame(ids, xs);
}

class ConcurrencyTest : public PodTest {
 protected:
  // A fresh handle on the same storage, as another process would open it.
  Repo open() { return Repo(reopen()); }

  template <class F>
  void in_parallel(F f) {
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) threads.emplace_back(f, w);
    for (auto& t : threads) t.join();
  }
};

TEST_P(ConcurrencyTest, WritersOnOneSeriesKeepEveryRow) {
  open().create_collection(id_x_schema(), "c");
  in_parallel([&](int w) {
    auto s = open().collection("c").series("shared");
    for (int k = 0; k < kWrites; ++k) s.write(block(w, k));
  });
  auto c = open().collection("c");
  EXPECT_FALSE(c.diverged());
  Frame f = c.series("shared").read();
  ASSERT_EQ(f.size(), size_t(kWriters * kWrites * kRows));
  auto ids = f["id"].values<int64_t>();
  for (size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], int64_t(i));
}

TEST_P(ConcurrencyTest, WritersOnSeriesOfTheirOwnAreAllVisible) {
  open().create_collection(id_x_schema(), "c");
  in_parallel([&](int w) {
    auto s = open().collection("c").series("w" + std::to_string(w));
    for (int k = 0; k < kWrites; ++k) s.write(block(w, k));
  });
  auto c = open().collection("c");
  EXPECT_FALSE(c.diverged());
  ASSERT_EQ(c.ls().size(), size_t(kWriters));
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(c.series("w" + std::to_string(w)).length(), size_t(kWrites * kRows));
}

TEST_P(ConcurrencyTest, KeyValueUpsertsAreNeverOverwritten) {
  Schema kv(id_x_schema().columns(), std::string("kv"));
  open().create_collection(kv, "c");
  in_parallel([&](int w) {
    auto s = open().collection("c").series("s");
    // Each upsert covers a range of keys that holds the other writers' keys.
    for (int k = 0; k < kWrites; ++k) {
      int64_t a = k * 100 + w, b = k * 100 + 50 + w;
      s.write(id_x_frame({a, b}, {double(w), double(w)}));
    }
  });
  auto c = open().collection("c");
  EXPECT_FALSE(c.diverged());
  EXPECT_EQ(c.series("s").length(), size_t(kWriters * kWrites * 2));
}

TEST_P(ConcurrencyTest, CollectionsCreatedAtOnceAllExist) {
  open().create_collection(id_x_schema(), "first");
  in_parallel([&](int w) {
    Repo repo = open();
    for (int k = 0; k < 3; ++k) {
      auto c = repo.create_collection(id_x_schema(),
                                      "c" + std::to_string(w) + "-" + std::to_string(k));
      c.series("s").write(block(w, k));  // the collection it returned works at once
    }
  });
  Repo repo = open();
  EXPECT_FALSE(repo.registry().diverged());
  auto names = repo.ls();
  EXPECT_EQ(names.size(), size_t(1 + kWriters * 3));
  for (const auto& n : names)
    if (n != "first") {
      EXPECT_EQ(repo.collection(n).series("s").length(), size_t(kRows)) << n;
    }
}

// Two handles write one after the other: a write that starts after another returned wins
// where they overlap, whatever the handles cached of the history (a write based on a state
// older than the last one returned would be merged as if concurrent, and an older write
// could win).
TEST_P(ConcurrencyTest, AWriteAfterAnotherReturnedWinsOverIt) {
  open().create_collection(id_x_schema(), "c");
  auto a = open().collection("c").series("s");
  auto b = open().collection("c").series("s");
  std::vector<int64_t> shared(kRows);
  for (int i = 0; i < kRows; ++i) shared[i] = i;
  const int rounds = 12;
  for (int k = 0; k < rounds; ++k) {
    a.write(id_x_frame(shared, std::vector<double>(kRows, 2.0 * k)));
    b.write(id_x_frame(shared, std::vector<double>(kRows, 2.0 * k + 1)));
    a.write(block(0, k + 1));  // elsewhere
  }
  auto c = open().collection("c");
  EXPECT_FALSE(c.diverged());
  Frame f = c.series("s").read();
  ASSERT_EQ(f.size(), size_t((rounds + 1) * kRows));
  for (int i = 0; i < kRows; ++i) EXPECT_EQ(f["x"].values<double>()[i], 2.0 * (rounds - 1) + 1) << i;
}

INSTANTIATE_TEST_SUITE_P(Pods, ConcurrencyTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
