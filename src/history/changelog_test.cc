#include "lakota/history/changelog.h"

#include <gtest/gtest.h>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {
namespace {

std::string rev(int64_t t, const std::string& content) { return hextime(t) + "-" + sha1_hex(content); }

TEST(Changelog, LinearHistoryEndsAtTheLastChild) {
  auto pod = make_memory_pod();
  Changelog log(pod);
  EXPECT_FALSE(log.leaf());
  auto first = log.commit("one", {kPhi});
  ASSERT_EQ(first.size(), 1u);
  auto second = log.commit("two", {first[0].child});
  auto revs = log.log();
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0].parent, kPhi);
  EXPECT_FALSE(revs[0].is_leaf);
  EXPECT_TRUE(revs[1].is_leaf);
  EXPECT_EQ(log.leaf()->path(), second[0].path());
  EXPECT_EQ(log.read(*log.leaf()), "two");
  EXPECT_GT(revs[1].epoch_ms(), revs[0].epoch_ms());
}

TEST(Changelog, SamePayloadAsItsParentIsSkipped) {
  Changelog log(make_memory_pod());
  auto first = log.commit("same", {kPhi});
  EXPECT_TRUE(log.commit("same", {first[0].child}).empty());
  EXPECT_EQ(log.log().size(), 1u);
}

TEST(Changelog, ChildTimeFollowsItsParentEvenWhenTheClockLags) {
  auto pod = make_memory_pod();
  std::string future = rev(now_ms() + 3600 * 1000, "a");
  pod->write(kPhi + "." + future, "a");
  Changelog log(pod);
  auto next = log.commit("b", {future});
  EXPECT_EQ(next[0].epoch_ms(), parse_hextime(future.substr(0, 11)) + 1);
}

TEST(Changelog, SiblingsAreHeadsInTheReferenceOrder) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b"), c = rev(3000, "c");
  pod->write(kPhi + "." + a, "a");
  pod->write(kPhi + "." + b, "b");
  pod->write(a + "." + c, "c");
  pod->write("not-a-revision.txt", "x");  // ignored
  pod->write(a + "." + a, "a");            // parent == child: ignored
  auto revs = Changelog(pod).log();
  ASSERT_EQ(revs.size(), 3u);
  // Depth first, oldest branch first: phi.a, a.c, phi.b; the leaf is the last.
  EXPECT_EQ(revs[0].child, a);
  EXPECT_EQ(revs[1].child, c);
  EXPECT_EQ(revs[2].child, b);
  EXPECT_TRUE(revs[1].is_leaf);
  EXPECT_TRUE(revs[2].is_leaf);
  EXPECT_FALSE(revs[0].is_leaf);
}

TEST(Changelog, AMergeChildSeenTwiceIsNoNewHead) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b"), m = rev(3000, "m");
  pod->write(kPhi + "." + a, "a");
  pod->write(kPhi + "." + b, "b");
  pod->write(a + "." + m, "m");
  pod->write(b + "." + m, "m");  // same child under both heads (same hextime)
  auto revs = Changelog(pod).log();
  ASSERT_EQ(revs.size(), 4u);
  int leaves = 0;
  for (const auto& r : revs) leaves += r.is_leaf;
  EXPECT_EQ(leaves, 1);
}

TEST(Changelog, BeforeKeepsTheOlderPrefix) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b");
  pod->write(kPhi + "." + a, "a");
  pod->write(a + "." + b, "b");
  auto revs = Changelog(pod).log();
  EXPECT_EQ(Changelog::before(revs, 2000).size(), 1u);
  EXPECT_EQ(Changelog::before(revs, 2001).size(), 2u);
  EXPECT_EQ(Changelog::before(revs, 1000).size(), 0u);
}

TEST(Changelog, ATamperedRevisionIsCorrupt) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a");
  pod->write(kPhi + "." + a, "not a");
  Changelog log(pod);
  EXPECT_THROW(log.read(*log.leaf()), CorruptData);
}

}  // namespace
}  // namespace lakota
