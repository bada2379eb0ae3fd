// Automatic compaction: the size-tiered plan, and what a compacted series holds.
#include <gtest/gtest.h>

#include <functional>

#include "compact.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "lakota/api/repo.h"
#include "test_pod.h"

namespace lakota {
namespace {

CompactionOptions tiers(size_t fanout, size_t max_rows = size_t(1) << 20) {
  CompactionOptions o;
  o.enabled = true;
  o.fanout = fanout;
  o.max_rows = max_rows;
  return o;
}

std::vector<std::pair<size_t, size_t>> spans(const std::vector<CompactionRun>& runs) {
  std::vector<std::pair<size_t, size_t>> out;
  for (const auto& r : runs) out.emplace_back(r.begin, r.end);
  return out;
}

TEST(CompactionPlan, MergesFanoutRowsOfOneTier) {
  EXPECT_TRUE(plan_compaction({1000, 1000, 1000}, tiers(4)).empty());
  EXPECT_EQ(spans(plan_compaction({1000, 1000, 1000, 1000}, tiers(4))), (std::vector<std::pair<size_t, size_t>>{{0, 4}}));
  // A large row first stays; the small ones after it merge.
  EXPECT_EQ(spans(plan_compaction({50000, 10, 10, 10, 10}, tiers(4))), (std::vector<std::pair<size_t, size_t>>{{1, 5}}));
}

TEST(CompactionPlan, ACascadeIsOneRun) {
  // Three rows of tier 2 (16-63 rows with fanout 4) and four of tier 1: the four make a
  // fourth of tier 2, and the four of tier 2 one of tier 3, written once.
  auto runs = plan_compaction({20, 20, 20, 5, 5, 5, 5}, tiers(4));
  EXPECT_EQ(spans(runs), (std::vector<std::pair<size_t, size_t>>{{0, 7}}));
  EXPECT_EQ(runs[0].rows, 80);
}

TEST(CompactionPlan, DeletesAloneAreNotMerged) {
  // Empty rows (deletes) share their digests: a merge of them alone, or of them and one
  // row of values, would rewrite nothing and make an empty row that looks like any other.
  EXPECT_TRUE(plan_compaction({0, 0, 0, 0}, tiers(4)).empty());
  EXPECT_TRUE(plan_compaction({0, 1, 0, 0}, tiers(4)).empty());
  EXPECT_EQ(spans(plan_compaction({1, 0, 1, 0}, tiers(4))), (std::vector<std::pair<size_t, size_t>>{{0, 4}}));
}

TEST(CompactionPlan, NeverOverMaxRows) {
  EXPECT_TRUE(plan_compaction({300, 300, 300, 300}, tiers(4, 1000)).empty());
  // Mixed tiers do not merge: 1 row of 300 then 3 of 5 (fanout 4).
  EXPECT_TRUE(plan_compaction({300, 5, 5, 5}, tiers(4)).empty());
}

using CompactionTest = PodTest;

// `count` appends of `rows` rows (noisy_frame) through `write`; the frames written.
std::vector<Frame> append_noisy(int count, size_t rows, const std::function<void(const Frame&)>& write) {
  std::vector<Frame> parts;
  for (int k = 0; k < count; ++k) {
    parts.push_back(noisy_frame(k * int64_t(rows), rows, k));
    write(parts.back());
  }
  return parts;
}

TEST_P(CompactionTest, AppendsKeepFewRowsAndEveryValue) {
  RepoOptions o;
  o.compaction = tiers(4);
  Repo repo(pod, o);
  auto c = repo.create_collection(id_x_schema(), "c");
  auto s = c.series("s");
  auto parts = append_noisy(64, 10, [&](const Frame& f) { s.write(f); });
  // 64 rows of 10 cascade into one of 640 (tiers of fanout 4: 10 -> 40 -> 160 -> 640).
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 1u);
  EXPECT_TRUE(s.read().equals(Frame::concat(parts)));
  // Older revisions keep their rows: the history reads as it was written.
  auto log = c.history().log();
  Query q;
  q.revision = log[log.size() / 2].path();
  EXPECT_GT(s.read(q).size(), 0u);
  EXPECT_FALSE(c.diverged());
}

TEST_P(CompactionTest, OffLeavesEveryRow) {
  RepoOptions o;
  o.compaction.enabled = false;
  Repo repo(pod, o);
  auto c = repo.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 16; ++k) c.series("s").write(noisy_frame(k * 10, 10, k));
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 16u);
}

// The compaction takes the arrays written through this Repo lately from memory (whichever
// of its collection handles wrote them); every other read goes to storage. Shown with a
// file of the first row removed: reads fail, the compaction that merges the row does not
// (its merged row holds every value), and without the arrays in memory it fails too and
// leaves the rows as they were.
TEST_P(CompactionTest, MergesWhatThisRepoWroteFromMemory) {
  for (size_t held : {size_t(4) << 20, size_t(0)}) {
    RepoOptions o;
    o.compaction = tiers(4);
    o.compaction.recent_bytes = held;
    Repo repo(pod, o);
    std::string name = "c" + std::to_string(held);
    auto c = repo.create_collection(id_x_schema(), name);
    auto s = c.series("s");
    // A handle of its own for each write.
    auto parts = append_noisy(3, 200, [&](const Frame& f) { repo.collection(name).series("s").write(f); });
    auto commit = *c.leaf_commit();
    ASSERT_EQ(commit.match("s").size(), 3u);
    std::string x = commit.digest(commit.match("s")[0], 1);
    ASSERT_EQ(commit.embedded_data(x), nullptr) << "the test needs a segment file";
    ASSERT_TRUE(pod->rm(hashed_path(x)));
    EXPECT_THROW(s.read(), Error) << "a read never takes the arrays in memory";
    parts.push_back(noisy_frame(600, 200, 3));
    s.write(parts.back());
    if (held) {
      EXPECT_EQ(c.leaf_commit()->match("s").size(), 1u);
      EXPECT_TRUE(s.read().equals(Frame::concat(parts)));
    } else {
      EXPECT_EQ(c.leaf_commit()->match("s").size(), 4u);
      EXPECT_THROW(s.read(), Error);
    }
  }
}

// After an overwrite in the middle of a row, the row is two views of one array (head and
// tail); the compaction takes the parts of them from memory too.
TEST_P(CompactionTest, MergesViewsOfAnArrayFromMemory) {
  RepoOptions o;
  o.compaction = tiers(4);
  Repo repo(pod, o);
  auto c = repo.create_collection(id_x_schema(), "c");
  auto s = c.series("s");
  auto parts = append_noisy(3, 200, [&](const Frame& f) { s.write(f); });
  std::string x = c.leaf_commit()->digest(0, 1);
  ASSERT_EQ(c.leaf_commit()->embedded_data(x), nullptr) << "the test needs a segment file";
  ASSERT_TRUE(pod->rm(hashed_path(x)));
  // [100, 300) over rows [0, 200) and [200, 400): four rows of 200 values, two of them views.
  Frame over = noisy_frame(100, 200, 9);
  s.write(over);
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 1u) << "merged, the removed file's part from memory";
  Frame expected = Frame::concat({parts[0].slice(0, 100), over, parts[1].slice(100, 200), parts[2]});
  EXPECT_TRUE(s.read().equals(expected));
}

// Arrays of the same bytes have the same digest whatever their type: zeros as floats and
// as integers. The compaction takes each as its column's type.
TEST_P(CompactionTest, ArraysOfTheSameBytesKeepTheirColumnsTypes) {
  RepoOptions o;
  o.compaction = tiers(4);
  Repo repo(pod, o);
  auto c = repo.create_collection(Schema::parse({{"id", "int*"}, {"f", "float"}, {"i", "int"}}), "c");
  auto s = c.series("s");
  std::vector<Frame> parts;
  for (int k = 0; k < 4; ++k) {
    std::vector<int64_t> ids(300), zeros(300, 0);
    for (int j = 0; j < 300; ++j) ids[j] = k * 300 + j;
    parts.push_back(Frame({"id", "f", "i"}, {Column::from_vector(DType::parse("int"), ids),
                                             Column::from_vector(DType::parse("float"), std::vector<double>(300, 0.0)),
                                             Column::from_vector(DType::parse("int"), zeros)}));
    s.write(parts.back());
  }
  auto commit = *c.leaf_commit();
  ASSERT_EQ(commit.match("s").size(), 1u);
  EXPECT_EQ(commit.digest(0, 1), commit.digest(0, 2));
  Frame f = s.read();
  EXPECT_TRUE(f.equals(Frame::concat(parts)));
  EXPECT_EQ(f.columns()[1].dtype(), DType::parse("float"));
  EXPECT_EQ(f.columns()[2].dtype(), DType::parse("int"));
}

// One name under two parents is a revisit: the log expands it under its first parent
// only, so that what is written on its second copy is written twice, under the name (where
// the log expands it) and again under that copy's parent (see Changelog::commit). Two
// writers that merge the same heads a millisecond apart make such a pair; so does the
// reference, which writes a merge under each head with one name. When the write that
// starts a compaction turns out to be the second copy, the compaction must be written as on
// a revisit too: under the first copy alone it would never be the state, and the rows
// would stay as they were (the concurrency stress test ended diverged about 1 run in 70).
TEST_P(CompactionTest, AWriteThatBecomesARevisitIsCompactedInTheState) {
  RepoOptions manual;
  manual.auto_merge = false;
  manual.compaction.enabled = false;
  auto c = Repo(pod, manual).create_collection(id_x_schema(), "c");
  std::vector<Frame> parts{noisy_frame(0, 10, 0)};
  c.series("s").write(parts.back());
  // A second writer from the same state, in a copy of the repository joined afterwards.
  auto other = make_memory_pod();
  copy_missing(pod, other);
  parts.push_back(noisy_frame(10, 10, 1));
  c.series("s").write(parts.back());
  parts.push_back(noisy_frame(20, 10, 2));
  Repo(other, manual).collection("c").series("s").write(parts.back());
  copy_missing(other, pod);
  auto merged = c.merge();  // one copy under each head; the second, later in the log, is the state
  ASSERT_EQ(merged.size(), 2u);
  ASSERT_EQ(c.history().state()->path(), merged[1].path());
  ASSERT_EQ(c.leaf_commit()->match("s").size(), 3u);

  // The fourth row of 10 starts a compaction. Right after the write's revision is stored,
  // a copy of it appears under the merge's first copy, earlier in the log.
  auto faulty = std::make_shared<FaultyPod>(pod);
  faulty->after_next_write = [&] {
    auto log_pod = c.changelog().pod();
    for (const auto& r : c.history().log()) {
      if (r.parent != merged[1].child) continue;
      log_pod->write(Revision{merged[0].child, r.child}.path(), log_pod->read(r.path()));
    }
  };
  RepoOptions o = manual;
  o.compaction = tiers(4);
  parts.push_back(noisy_frame(30, 10, 3));
  Repo(faulty, o).collection("c").series("s").write(parts.back());
  ASSERT_EQ(faulty->after_next_write, nullptr) << "the write stored its revision";
  EXPECT_EQ(c.history().log().size(), 9u) << "five, the write and its copy, the compaction under each";
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 1u) << "the compaction is the state";
  EXPECT_FALSE(c.diverged());
  EXPECT_TRUE(c.series("s").read().equals(Frame::concat(parts)));
}

INSTANTIATE_TEST_SUITE_P(Pods, CompactionTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
