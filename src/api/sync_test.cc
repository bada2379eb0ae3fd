// Push and pull between repositories, on the memory pod and on the file pod.
#include <gtest/gtest.h>

#include <set>

#include "lakota/api/repo.h"
#include "lakota/api/sync.h"
#include "lakota/encoding/hash.h"
#include "test_pod.h"

namespace lakota {
namespace {

class SyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    a = make_test_pod(GetParam(), "lakota-sync-a-", dir_a);
    b = make_test_pod(GetParam(), "lakota-sync-b-", dir_b);
  }
  void TearDown() override {
    if (!dir_a.empty()) std::filesystem::remove_all(dir_a);
    if (!dir_b.empty()) std::filesystem::remove_all(dir_b);
  }
  // A frame big enough for its arrays to be segment files, not embedded in the revision.
  static Frame big(int64_t first, size_t n, double value) {
    std::vector<int64_t> ids(n);
    std::vector<double> xs(n);
    uint64_t seed = uint64_t(first) * 31 + uint64_t(value) + 1;
    for (size_t i = 0; i < n; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;  // values that do not compress
      ids[i] = (first + int64_t(i)) * 10000 + int64_t((seed >> 33) % 10000);
      xs[i] = value + double(seed >> 11) / double(1ULL << 53);
    }
    return id_x_frame(ids, xs);
  }
  std::vector<std::string> files(const PodPtr& pod) { return pod->walk(); }
  PodPtr a, b;
  std::filesystem::path dir_a, dir_b;
};

TEST_P(SyncTest, PullCopiesEverythingOnceAndOnlyWhatIsMissing) {
  Repo ra(a), rb(b);
  auto c = ra.create_collection(id_x_schema(), "c");
  c.series("s").write(big(0, 5000, 1));
  c.tag("v1");
  c.series("s").write(big(5000, 5000, 2));
  ra.create_collection(id_x_schema(), "other").series("t").write(id_x_frame({1}, {1}));

  SyncReport r = pull(rb, ra);
  EXPECT_EQ(r.collections, 2u);
  EXPECT_EQ(r.segments, 4u);
  EXPECT_EQ(r.tags, 1u);
  EXPECT_GT(r.bytes, 0u);
  EXPECT_EQ(rb.ls(), (std::vector<std::string>{"c", "other"}));
  EXPECT_TRUE(rb.collection("c").series("s").read().equals(c.series("s").read()));
  EXPECT_EQ(rb.collection("c").tags().at(0).name, "v1");
  Query q;
  q.revision = "v1";
  EXPECT_EQ(rb.collection("c").series("s").read(q).size(), 5000u);
  EXPECT_EQ(files(a), files(b));  // the same files: the same repository

  SyncReport again = pull(rb, ra);
  EXPECT_EQ(again.revisions + again.segments + again.tags + again.bytes, 0u);

  // One more write travels alone.
  c.series("s").write(big(10000, 5000, 3));
  SyncReport one = push(ra, rb);
  EXPECT_EQ(one.revisions, 1u);
  EXPECT_EQ(one.segments, 2u);
  EXPECT_EQ(rb.collection("c").series("s").length(), 15000u);
}

TEST_P(SyncTest, DivergedHistoriesMergeOnBothSides) {
  Repo ra(a), rb(b);
  ra.create_collection(id_x_schema(), "c").series("s").write(id_x_frame({1, 2, 3}, {1, 2, 3}));
  push(ra, rb);
  ra.collection("c").series("s").write(id_x_frame({2}, {20}));
  rb.collection("c").series("s").write(id_x_frame({4}, {40}));
  rb.create_collection(id_x_schema(), "only-b");
  ra.create_collection(id_x_schema(), "only-a");
  pull(ra, rb);
  pull(rb, ra);
  for (Repo* r : {&ra, &rb}) {
    EXPECT_EQ(r->ls(), (std::vector<std::string>{"c", "only-a", "only-b"}));
    EXPECT_FALSE(r->registry().diverged());
    EXPECT_FALSE(r->collection("c").diverged());
    Frame f = r->collection("c").series("s").read();
    auto x = f["x"].values<double>();
    EXPECT_EQ(std::vector<double>(x.begin(), x.end()), (std::vector<double>{1, 20, 3, 40}));
  }
}

TEST_P(SyncTest, SameLabelCreatedOnBothSidesKeepsBothHistories) {
  Repo ra(a), rb(b);
  ra.create_collection(id_x_schema(), "c").series("s").write(id_x_frame({1, 2}, {1, 2}));
  rb.create_collection(id_x_schema(), "c").series("s").write(id_x_frame({2, 3}, {20, 3}));
  rb.collection("c").series("t").write(id_x_frame({1}, {1}));
  ASSERT_NE(ra.collection("c").path(), rb.collection("c").path());
  pull(ra, rb);
  auto c = ra.collection("c");
  EXPECT_FALSE(c.diverged());
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"s", "t"}));
  EXPECT_EQ(c.series("s").length(), 3u);  // nothing orphaned
  pull(rb, ra);
  EXPECT_TRUE(rb.collection("c").series("s").read().equals(c.series("s").read()));
}

TEST_P(SyncTest, DifferentSchemasStopThePullBeforeAnyWrite) {
  Repo ra(a), rb(b);
  ra.create_collection(id_x_schema(), "c").series("s").write(id_x_frame({1}, {1}));
  rb.create_collection(Schema::parse({{"id", "int*"}, {"x", "int"}}), "c");
  rb.create_collection(id_x_schema(), "d").series("s").write(id_x_frame({1}, {1}));
  auto before = files(a);
  try {
    pull(ra, rb);
    FAIL() << "no conflict";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("collection 'c' has different schemas"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("x int64"), std::string::npos) << e.what();
  }
  EXPECT_EQ(files(a), before);
  // Naming the other collections copies them.
  SyncOptions o;
  o.labels = {"d"};
  pull(ra, rb, o);
  EXPECT_EQ(ra.ls(), (std::vector<std::string>{"c", "d"}));
  EXPECT_THROW(pull(ra, rb, SyncOptions{{"nosuch"}}), NotFound);
}

TEST_P(SyncTest, ShallowCopiesTheHeadsOnly) {
  Repo ra(a), rb(b);
  auto c = ra.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 5; ++k) c.series("s").write(big(k * 5000, 5000, k));
  c.series("s").write(big(0, 25000, 9));  // overwrites all
  SyncOptions o;
  o.shallow = true;
  SyncReport r = pull(rb, ra, o);
  EXPECT_EQ(rb.collection("c").history().log().size(), 1u);
  Commit head = *c.leaf_commit();
  std::set<std::string> referenced;
  for (const auto& d : head.digests())
    if (!head.embedded_data(d)) referenced.insert(d);
  EXPECT_EQ(r.segments, referenced.size());
  EXPECT_LT(r.segments, 12u);  // not the 12 of the whole history
  EXPECT_TRUE(rb.collection("c").series("s").read().equals(c.series("s").read()));
}

TEST_P(SyncTest, InterruptedPullResumes) {
  Repo ra(a);
  auto c = ra.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 3; ++k) c.series("s").write(big(k * 5000, 5000, k));
  auto faulty = std::make_shared<FaultyPod>(b);
  for (int fail = 1;; ++fail) {
    faulty->writes = 0;
    faulty->fail_at = fail;
    Repo rb(faulty);
    try {
      pull(rb, ra);
    } catch (const StorageError&) {
      // What was copied reads: every revision there has its segments.
      faulty->fail_at = 0;
      if (auto got = rb.find("c")) EXPECT_LE(got->series("s").length(), 15000u);
      continue;
    }
    break;
  }
  faulty->fail_at = 0;
  Repo rb(faulty);
  EXPECT_EQ(pull(rb, ra).revisions, 0u);
  EXPECT_TRUE(rb.collection("c").series("s").read().equals(c.series("s").read()));
}

TEST_P(SyncTest, DamagedSourceSegmentIsNotCopied) {
  Repo ra(a), rb(b);
  auto c = ra.create_collection(id_x_schema(), "c");
  c.series("s").write(big(0, 5000, 1));
  auto digest = c.leaf_commit()->digest(0, 1);
  std::string path = hashed_path(digest);
  std::string bytes = a->read(path);
  bytes[bytes.size() / 2] ^= 0x55;
  a->write(path, bytes, true);
  try {
    pull(rb, ra);
    FAIL() << "damage not caught";
  } catch (const CorruptData& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(b->exists(path));
  auto copied = rb.find("c");
  if (copied) EXPECT_TRUE(copied->history().empty());  // no revision references what is missing
}

TEST_P(SyncTest, SoftDeletedAndTruncatedSegmentsAtTheDestinationAreRepaired) {
  Repo ra(a), rb(b);
  auto c = ra.create_collection(id_x_schema(), "c");
  c.series("s").write(big(0, 5000, 1));
  std::string p0 = hashed_path(c.leaf_commit()->digest(0, 0)), p1 = hashed_path(c.leaf_commit()->digest(0, 1));
  b->write(p0 + ".1a20beb4b79", a->read(p0));  // buried by a gc
  b->write(p1, a->read(p1).substr(0, 100));    // cut short by an interrupted copy
  SyncReport r = pull(rb, ra);
  EXPECT_EQ(r.restored, 1u);
  EXPECT_EQ(r.repaired, 1u);
  EXPECT_EQ(b->read(p1), a->read(p1));
  EXPECT_TRUE(rb.collection("c").series("s").read().equals(c.series("s").read()));
}

TEST_P(SyncTest, ATagNamingAnotherRevisionOnEachSideIsKeptAndReported) {
  Repo ra(a), rb(b);
  auto c = ra.create_collection(id_x_schema(), "c");
  c.series("s").write(id_x_frame({1}, {1}));
  Revision first = c.tag("v1");
  push(ra, rb);
  c.series("s").write(id_x_frame({2}, {2}));
  c.untag("v1");
  c.tag("v1");
  SyncReport r = pull(rb, ra);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("tag 'v1'"), std::string::npos) << r.warnings[0];
  EXPECT_EQ(rb.collection("c").resolve("v1").path(), first.path());  // ours kept
}

TEST_P(SyncTest, NothingToPullFromAnEmptyPlace) {
  Repo ra(a), rb(b);
  EXPECT_THROW(pull(ra, rb), NotFound);
}

INSTANTIATE_TEST_SUITE_P(Pods, SyncTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
