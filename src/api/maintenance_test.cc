// gc, trim, defrag and verify, on the memory pod and on the file pod; gc against
// concurrent writers, and a defrag against a correction written while it runs.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "lakota/api/maintenance.h"
#include "lakota/api/repo.h"
#include "lakota/encoding/hash.h"
#include "test_pod.h"

namespace lakota {
namespace {

// Writes that leave their small rows as they are (automatic compaction off): what defrag
// has to work on.
RepoOptions uncompacted() {
  RepoOptions o;
  o.compaction.enabled = false;
  return o;
}

using MaintenanceTest = PodTest;


std::set<std::string> segment_files(const PodPtr& pod) {
  std::set<std::string> out;
  for (const auto& f : pod->walk())
    if (f.size() >= 42 && f[2] == '/' && f[5] == '/' && f.find('/', 6) == std::string::npos) out.insert(f);
  return out;
}

TEST_P(MaintenanceTest, GcSoftDeletesThenDeletesWhatNothingReferences) {
  Repo repo(pod);
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("s").write(noisy_frame(0, 3000, 1));
  c.series("s").write(noisy_frame(0, 3000, 2));  // the first write's x segment is referenced by its revision still
  ASSERT_EQ(segment_files(pod).size(), 2u);
  GcReport none = gc(repo);
  EXPECT_EQ(none.soft_deleted + none.hard_deleted + none.restored, 0u);

  // Once trimmed, the first write's segment is garbage.
  auto dropped = trim(c, TrimOptions{now_ms() + 60'000});
  EXPECT_EQ(dropped.size(), 1u);
  Frame before = c.series("s").read();
  GcOptions dry;
  dry.dry_run = true;
  auto files = pod->walk();
  EXPECT_EQ(gc(repo, dry).soft_deleted, 1u);
  EXPECT_EQ(pod->walk(), files);  // a dry run changes nothing

  GcReport soft = gc(repo);
  EXPECT_EQ(soft.soft_deleted, 1u);
  EXPECT_EQ(soft.hard_deleted, 0u);
  EXPECT_EQ(gc(repo).hard_deleted, 0u);  // not past the timeout yet
  GcOptions now;
  now.timeout_ms = 0;
  GcReport hard = gc(repo, now);
  EXPECT_EQ(hard.hard_deleted, 1u);
  EXPECT_GT(hard.bytes_freed, 15'000u);
  EXPECT_EQ(segment_files(pod).size(), 1u);
  EXPECT_TRUE(c.series("s").read().equals(before));
  EXPECT_TRUE(verify(repo).ok());
}

TEST_P(MaintenanceTest, GcRestoresBuriedSegmentsThatAreReferenced) {
  Repo repo(pod);
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("s").write(noisy_frame(0, 3000, 1));
  std::string file = *segment_files(pod).begin();
  pod->mv(file, file + "." + hextime(now_ms() - 3'600'000));  // buried long ago by someone
  EXPECT_EQ(c.series("s").length(), 3000u);                   // still reads
  GcOptions now;
  now.timeout_ms = 0;
  GcReport r = gc(repo, now);
  EXPECT_EQ(r.restored, 1u);
  EXPECT_EQ(r.hard_deleted, 0u);
  EXPECT_TRUE(pod->exists(file));
  // A write that found no live copy wrote one: the buried duplicate goes.
  pod->write(file + "." + hextime(now_ms() - 3'600'000), pod->read(file));
  r = gc(repo, now);
  EXPECT_EQ(r.hard_deleted, 1u);
  EXPECT_EQ(r.restored, 0u);
  EXPECT_TRUE(pod->exists(file));
  EXPECT_EQ(c.series("s").length(), 3000u);
  // Tags and files that are not segments are left alone.
  c.tag("v1");
  pod->write(file.substr(0, 6) + "notes.txt", "x");
  gc(repo, now);
  EXPECT_EQ(c.tags().size(), 1u);
  EXPECT_TRUE(pod->exists(file.substr(0, 6) + "notes.txt"));
}

TEST_P(MaintenanceTest, GcNeverLeavesAConcurrentWriteWithoutItsSegments) {
  Repo repo(pod);
  repo.create_collection(id_x_schema(), "c");
  std::atomic<bool> stop{false}, started{false};
  std::atomic<int> conflicts{0};
  constexpr int kWrites = 30;
  std::thread writer([&] {
    auto c = Repo(pod).collection("c");
    while (!started) std::this_thread::yield();
    for (int k = 0; k < kWrites; ++k) {
      for (;;) {
        try {
          c.series("s").write(noisy_frame(k * 1000, 1000, k));
          break;
        } catch (const Conflict&) {  // its segment was deleted before its commit: write again
          ++conflicts;
        }
      }
    }
    stop = true;
  });
  // A short timeout, still far longer than the moment between a writer's last check of its
  // segments and its commit: gc buries and restores around every write.
  GcOptions now;
  now.timeout_ms = 1000;
  int runs = 0;
  started = true;
  while (!stop) {
    gc(repo, now);
    ++runs;
  }
  writer.join();
  gc(repo, now);
  EXPECT_GT(runs, 0);
  auto c = repo.collection("c");
  EXPECT_EQ(c.series("s").length(), size_t(kWrites * 1000));
  VerifyReport v = verify(repo);
  EXPECT_TRUE(v.ok()) << (v.problems.empty() ? "" : v.problems[0]);
}

TEST_P(MaintenanceTest, AWriteWhoseSegmentsGcDeletedFailsAndCommitsNothing) {
  auto hooked = std::make_shared<FaultyPod>(pod);
  Repo repo(hooked);
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("s").write(noisy_frame(0, 1000, 1));
  Frame before = c.series("s").read();
  GcOptions now;
  now.timeout_ms = 0;
  // gc runs twice right after the write stored its segment, before its revision: the
  // write took longer than gc's timeout.
  bool ran = false;
  hooked->after_next_write = [&] {
    ran = true;
    EXPECT_EQ(gc(repo, now).soft_deleted, 1u);
    EXPECT_EQ(gc(repo, now).hard_deleted, 1u);
  };
  try {
    c.series("s").write(noisy_frame(1000, 3000, 2));
    FAIL() << "committed a revision without its segment";
  } catch (const Conflict& e) {
    EXPECT_NE(std::string(e.what()).find("write again"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(ran);
  EXPECT_TRUE(c.series("s").read().equals(before));
  EXPECT_TRUE(verify(repo).ok());
  ran = false;
  // Buried but not yet deleted: the write restores it and commits.
  hooked->after_next_write = [&] {
    ran = true;
    EXPECT_EQ(gc(repo).soft_deleted, 1u);
  };
  EXPECT_TRUE(c.series("s").write(noisy_frame(1000, 3000, 2)));
  EXPECT_TRUE(ran);
  EXPECT_EQ(c.series("s").length(), 4000u);
  EXPECT_TRUE(verify(repo).ok());
}

TEST_P(MaintenanceTest, TrimKeepsHeadsStateAndTags) {
  Repo repo(pod);
  auto c = repo.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 6; ++k) c.series("s").write(id_x_frame({k}, {double(k)}));
  auto log = c.history().log();
  c.tag("v2", log[2].path());
  Frame content = c.series("s").read();
  EXPECT_TRUE(trim(c, TrimOptions{}).empty());  // by default, only what is older than 20 minutes
  TrimOptions all{now_ms() + 60'000};
  all.dry_run = true;
  auto would = trim(c, all);
  EXPECT_EQ(would.size(), 2u);  // stops at the oldest tag
  EXPECT_EQ(c.history().log().size(), 6u);
  all.dry_run = false;
  EXPECT_EQ(trim(c, all), would);
  EXPECT_EQ(c.history().log().size(), 4u);
  EXPECT_TRUE(c.series("s").read().equals(content));
  Query q;
  q.revision = "v2";
  EXPECT_EQ(c.series("s").read(q).size(), 3u);
  EXPECT_FALSE(c.diverged());  // the tagged revision is no second head

  c.untag("v2");
  EXPECT_EQ(trim(c, all).size(), 3u);  // all but the state
  EXPECT_EQ(c.history().log().size(), 1u);
  EXPECT_TRUE(c.series("s").read().equals(content));
  EXPECT_TRUE(trim(c, all).empty());
  // Nothing older than `before`: nothing dropped.
  c.series("s").write(id_x_frame({9}, {9}));
  EXPECT_TRUE(trim(c, TrimOptions{0}).empty());
}

TEST_P(MaintenanceTest, TrimKeepsEveryHead) {
  RepoOptions manual;
  manual.auto_merge = false;
  Repo repo(pod, manual);
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("s").write(id_x_frame({1}, {1}));
  c.series("s").write(id_x_frame({2}, {2}));
  PodPtr other = make_memory_pod();
  copy_missing(pod, other);
  c.series("s").write(id_x_frame({3}, {3}));
  Repo(other, manual).collection("c").series("s").write(id_x_frame({4}, {4}));
  copy_missing(other, pod);
  ASSERT_EQ(c.heads().size(), 2u);
  auto heads = c.heads();
  EXPECT_EQ(trim(c, TrimOptions{now_ms() + 60'000}).size(), 1u);  // the heads' ancestor stays
  EXPECT_EQ(c.heads().size(), 2u);
  EXPECT_TRUE(c.history().common_ancestor(c.heads()));
  for (const auto& h : heads) EXPECT_NO_THROW(c.resolve(h.path()));
  c.merge();
  EXPECT_EQ(c.series("s").length(), 4u);
  Frame merged = c.series("s").read();
  EXPECT_GE(trim(c, TrimOptions{now_ms() + 60'000}).size(), 2u);
  EXPECT_TRUE(c.series("s").read().equals(merged));
  EXPECT_FALSE(c.diverged());
}

TEST_P(MaintenanceTest, DefragRewritesSmallChunksAndKeepsTheRows) {
  Repo repo(pod, uncompacted());
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("big").write(noisy_frame(0, 5000, 1));
  for (int k = 0; k < 10; ++k) c.series("s").write(noisy_frame(k * 100, 100, k));
  c.series("few").write(noisy_frame(0, 10, 1));
  Frame s = c.series("s").read(), big = c.series("big").read();
  DefragOptions dry;
  dry.dry_run = true;
  auto plan = defrag(c, dry);
  EXPECT_EQ(plan.series, 1u);
  EXPECT_EQ(plan.rows_before, 10u);
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 10u);
  DefragReport r = defrag(c);
  EXPECT_FALSE(r.yielded);
  EXPECT_EQ(r.series, 1u);
  EXPECT_EQ(c.leaf_commit()->match("s").size(), 1u);
  EXPECT_TRUE(c.series("s").read().equals(s));
  EXPECT_TRUE(c.series("big").read().equals(big));
  // Its revision comes right after the state it read.
  auto log = c.history().log();
  EXPECT_EQ(log.back().epoch_ms(), log[log.size() - 2].epoch_ms() + 1);
  EXPECT_EQ(defrag(c).series, 0u);  // nothing left to do
  for (int k = 0; k < 10; ++k) c.series("u").write(noisy_frame(k * 100, 100, k));
  Frame u = c.series("u").read();
  DefragOptions small;
  small.page_len = 300;
  defrag(c, small);
  EXPECT_EQ(c.leaf_commit()->match("u").size(), 4u);  // 1000 rows in pages of 300
  EXPECT_TRUE(c.series("u").read().equals(u));
}

TEST_P(MaintenanceTest, DefragYieldsToAWriteMadeWhileItRuns) {
  Repo repo(pod, uncompacted());
  auto c = repo.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 10; ++k) c.series("s").write(noisy_frame(k * 100, 100, k));
  c.series("t").write(id_x_frame({1}, {1}));
  DefragOptions o;
  bool wrote = false;
  o.progress = [&](std::string_view, uint64_t, uint64_t) {
    if (wrote) return;
    wrote = true;
    Repo(pod, uncompacted()).collection("c").series("s").write(id_x_frame({150}, {-1}));  // a correction, meanwhile
  };
  DefragReport r = defrag(c, o);
  EXPECT_TRUE(r.yielded);
  Frame f = c.series("s").read({{int64_t(150)}, {int64_t(150)}, Closed::both()});
  EXPECT_EQ(f["x"].values<double>()[0], -1);
  EXPECT_FALSE(defrag(c).yielded);
  f = c.series("s").read({{int64_t(150)}, {int64_t(150)}, Closed::both()});
  EXPECT_EQ(f["x"].values<double>()[0], -1);

  // The collection deleted while a defrag runs: it yields too.
  for (int k = 0; k < 10; ++k) c.series("s").write(noisy_frame(k * 100, 100, k + 20));
  o.progress = [&](std::string_view, uint64_t, uint64_t) { Repo(pod).delete_collections({"c"}); };
  EXPECT_TRUE(defrag(c, o).yielded);
}

TEST_P(MaintenanceTest, ACorrectionWinsOverADefragThatCommittedAfterIt) {
  // The defrag works on a copy and lands after the correction (in wall time) without
  // seeing it; its revision still comes first in the log, so the merge keeps the correction.
  Repo repo(pod, uncompacted());
  auto c = repo.create_collection(id_x_schema(), "c");
  for (int k = 0; k < 10; ++k) c.series("s").write(noisy_frame(k * 100, 100, k));
  Frame before = c.series("s").read();
  PodPtr other = make_memory_pod();
  copy_missing(pod, other);
  RepoOptions manual = uncompacted();
  manual.auto_merge = false;
  Repo(pod, manual).collection("c").series("s").write(id_x_frame({150, 151}, {-1, -2}));
  auto copy = Repo(other, manual).collection("c");
  EXPECT_EQ(defrag(copy).series, 1u);
  copy_missing(other, pod);
  ASSERT_EQ(c.heads().size(), 2u);
  c.merge();
  Frame f = c.series("s").read();
  ASSERT_EQ(f.size(), before.size());
  for (size_t i = 0; i < f.size(); ++i) {
    int64_t id = f["id"].values<int64_t>()[i];
    double want = id == 150 ? -1 : id == 151 ? -2 : before["x"].values<double>()[i];
    ASSERT_EQ(f["x"].values<double>()[i], want) << id;
  }
}

TEST_P(MaintenanceTest, VerifyReportsEachProblemByFile) {
  Repo repo(pod);
  auto c = repo.create_collection(id_x_schema(), "c");
  c.series("s").write(noisy_frame(0, 3000, 1));
  c.series("t").write(noisy_frame(0, 3000, 2));
  c.tag("v1");
  VerifyReport clean = verify(repo);
  EXPECT_TRUE(clean.ok());
  EXPECT_EQ(clean.segments, 2u);
  EXPECT_GE(clean.revisions, 3u);

  auto files = segment_files(pod);
  std::string damaged = *files.begin(), missing = *std::next(files.begin());
  std::string bytes = pod->read(damaged);
  bytes[bytes.size() / 2] ^= 1;
  pod->write(damaged, bytes, true);
  pod->rm(missing);
  auto rev = c.history().log().front();
  std::string rev_file = c.path() + "/" + rev.path();
  pod->write(rev_file, pod->read(rev_file) + "x", true);
  std::string gone = kPhi + ".1a20beb4b79-" + std::string(40, 'e');
  pod->write(".lakota-tags/" + std::string(c.path()).erase(5, 1).erase(2, 1) + "/7632", gone);  // tag v2

  VerifyReport r = verify(repo);
  ASSERT_EQ(r.problems.size(), 4u);
  std::string all;
  for (const auto& p : r.problems) all += p + "\n";
  EXPECT_NE(all.find("tag 'v2'"), std::string::npos) << all;
  EXPECT_NE(all.find(damaged + " does not hold"), std::string::npos) << all;
  EXPECT_NE(all.find(missing + " is missing"), std::string::npos) << all;
  EXPECT_NE(all.find(rev.path() + " does not match its sha1"), std::string::npos) << all;
}

INSTANTIATE_TEST_SUITE_P(Pods, MaintenanceTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
