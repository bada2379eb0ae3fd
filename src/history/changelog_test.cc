#include "lakota/history/changelog.h"

#include <gtest/gtest.h>

#include <map>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace lakota {
namespace {

std::string rev(int64_t t, const std::string& content) { return hextime(t) + "-" + sha1_hex(content); }

std::vector<std::string> contents(const std::vector<Revision>& revs) {
  std::vector<std::string> out;
  for (const auto& r : revs) out.push_back(r.child_digest());
  return out;
}

TEST(Changelog, LinearHistoryEndsAtTheLastChild) {
  auto pod = make_memory_pod();
  Changelog log(pod);
  EXPECT_FALSE(log.leaf());
  auto first = log.commit("one", nullptr);
  ASSERT_EQ(first.size(), 1u);
  auto second = log.commit("two", &first[0]);
  auto h = log.history();
  ASSERT_EQ(h.log().size(), 2u);
  EXPECT_EQ(h.log()[0].parent, kPhi);
  EXPECT_FALSE(h.log()[0].is_head);
  EXPECT_TRUE(h.log()[1].is_head);
  EXPECT_TRUE(h.settled());
  EXPECT_EQ(log.leaf()->path(), second[0].path());
  EXPECT_EQ(log.read(*log.leaf()), "two");
  EXPECT_GT(h.log()[1].epoch_ms(), h.log()[0].epoch_ms());
}

TEST(History, ExtendedIsWhatAFreshAnalysisOfTheFolderFinds) {
  // A writer extends its history at every append instead of listing and analysing the
  // folder again: the extended history must be the analysis, revision for revision, and
  // histories extended from one base must not see each other's revisions.
  Changelog log(make_memory_pod());
  auto first = log.commit("r0", nullptr);
  History h = log.history();
  const History base = h;
  std::vector<History> kept;
  Revision at = first[0];
  for (int k = 1; k <= 2100; ++k) {  // past the tail length that folds into a new base
    at = log.commit("r" + std::to_string(k), &at)[0];
    h = h.extended(at);
    ASSERT_EQ(h.state()->path(), at.path());
    ASSERT_TRUE(h.settled());
    if (k % 700 == 0) kept.push_back(h);
  }
  History fresh = log.history();
  ASSERT_EQ(h.size(), fresh.size());
  const auto& a = h.log();
  const auto& b = fresh.log();
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].path(), b[i].path()) << i;
    ASSERT_EQ(a[i].is_head, b[i].is_head) << i;
    ASSERT_EQ(a[i].revisit, b[i].revisit) << i;
  }
  EXPECT_EQ(contents(h.heads()), contents(fresh.heads()));
  EXPECT_EQ(h.find(sha1_hex("r5"))->path(), fresh.find(sha1_hex("r5"))->path());
  EXPECT_EQ(h.before(h.log()[10].epoch_ms()).size(), 10u);
  // Older histories keep their own length and head.
  ASSERT_EQ(kept.size(), 3u);
  for (size_t j = 0; j < kept.size(); ++j) {
    size_t n = 700 * (j + 1) + 1;
    ASSERT_EQ(kept[j].size(), n);
    ASSERT_EQ(kept[j].log().size(), n);
    EXPECT_TRUE(kept[j].log().back().is_head);
    EXPECT_EQ(kept[j].heads().size(), 1u);
    EXPECT_EQ(kept[j].log().back().path(), b[n - 1].path());
  }
  // Two extensions of one base are two histories.
  Revision x{first[0].child, rev(now_ms() + 5, "x")}, y{first[0].child, rev(now_ms() + 6, "y")};
  History hx = base.extended(x), hy = base.extended(y);
  EXPECT_EQ(hx.log().size(), 2u);
  EXPECT_EQ(hx.log()[1].path(), x.path());
  EXPECT_EQ(hy.log()[1].path(), y.path());
  EXPECT_FALSE(hx.log()[0].is_head);
  EXPECT_TRUE(base.log()[0].is_head);
  EXPECT_EQ(base.size(), 1u);
  // A moved-from history is empty.
  History moved = std::move(hx);
  EXPECT_EQ(moved.size(), 2u);
  EXPECT_TRUE(hx.empty());  // NOLINT(bugprone-use-after-move): what is left must be usable
  EXPECT_EQ(hx.state(), nullptr);
  EXPECT_TRUE(hx.log().empty());
}

TEST(Changelog, SamePayloadAsItsBaseIsSkipped) {
  Changelog log(make_memory_pod());
  auto first = log.commit("same", nullptr);
  EXPECT_TRUE(log.commit("same", &first[0]).empty());
  EXPECT_EQ(log.log().size(), 1u);
}

TEST(Changelog, ChildTimeFollowsItsParentEvenWhenTheClockLags) {
  auto pod = make_memory_pod();
  std::string future = rev(now_ms() + 3600 * 1000, "a");
  pod->write(kPhi + "." + future, "a");
  Changelog log(pod);
  auto base = *log.leaf();
  auto next = log.commit("b", &base);
  EXPECT_EQ(next[0].epoch_ms(), parse_hextime(future.substr(0, 11)) + 2);
  // base + 1 ms is kept for an `earliest` revision, which comes first among the siblings.
  auto early = log.commit("c", &base, true);
  EXPECT_EQ(early[0].epoch_ms(), parse_hextime(future.substr(0, 11)) + 1);
  EXPECT_EQ(log.history().log()[1].path(), early[0].path());
}

TEST(Changelog, SiblingsAreHeadsInTheReferenceOrder) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b"), c = rev(3000, "c");
  pod->write(kPhi + "." + a, "a");
  pod->write(kPhi + "." + b, "b");
  pod->write(a + "." + c, "c");
  pod->write("not-a-revision.txt", "x");  // ignored
  pod->write(a + "." + a, "a");            // parent == child: ignored
  auto h = Changelog(pod).history();
  const auto& revs = h.log();
  ASSERT_EQ(revs.size(), 3u);
  // Depth first, oldest branch first: phi.a, a.c, phi.b; the state is the last.
  EXPECT_EQ(revs[0].child, a);
  EXPECT_EQ(revs[1].child, c);
  EXPECT_EQ(revs[2].child, b);
  EXPECT_TRUE(revs[1].is_head);
  EXPECT_TRUE(revs[2].is_head);
  EXPECT_FALSE(revs[0].is_head);
  EXPECT_EQ(contents(h.heads()), (std::vector<std::string>{sha1_hex("c"), sha1_hex("b")}));
  EXPECT_FALSE(h.settled());
  // Their newest common content is none (both descend from phi only).
  EXPECT_FALSE(h.common_ancestor(h.heads()));
}

TEST(Changelog, AMergeWrittenTwiceWithOneHextimeIsOneHead) {
  // The reference writes a merge once per head; with one hextime both files end in the
  // same child, which the log reaches twice.
  auto pod = make_memory_pod();
  std::string r = rev(500, "r"), a = rev(1000, "a"), b = rev(2000, "b"), m = rev(3000, "m");
  pod->write(kPhi + "." + r, "r");
  pod->write(r + "." + a, "a");
  pod->write(r + "." + b, "b");
  pod->write(a + "." + m, "m");
  pod->write(b + "." + m, "m");
  Changelog log(pod);
  auto h = log.history();
  ASSERT_EQ(h.log().size(), 5u);
  EXPECT_TRUE(h.log().back().revisit);
  EXPECT_EQ(h.log().back().path(), b + "." + m);  // the state both implementations read
  EXPECT_EQ(h.heads().size(), 1u);
  EXPECT_TRUE(h.settled());
  EXPECT_EQ(h.common_ancestor({h.log()[1], h.log()[3]})->child, r);

  // A write on that state goes under the child (for the graph) and under its parent
  // (so that the log reaches it last): both implementations then read it.
  auto written = log.commit("x", h.state());
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].parent, m);
  EXPECT_EQ(written[1].parent, b);
  EXPECT_GT(written[1].epoch_ms(), written[0].epoch_ms());
  h = log.history();
  EXPECT_EQ(h.state()->child_digest(), sha1_hex("x"));
  EXPECT_FALSE(h.state()->revisit);
  EXPECT_TRUE(h.settled());
  // And the next write is an ordinary one.
  auto next = log.commit("y", h.state());
  ASSERT_EQ(next.size(), 1u);
  h = log.history();
  EXPECT_EQ(h.state()->child_digest(), sha1_hex("y"));
  EXPECT_TRUE(h.settled());
}

TEST(Changelog, MergeFilesHaveDistinctIncreasingHextimes) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(1000, "b");
  pod->write(kPhi + "." + a, "a");
  pod->write(kPhi + "." + b, "b");
  Changelog log(pod);
  auto h = log.history();
  auto revs = log.commit_merge("m", h.heads());
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_NE(revs[0].child, revs[1].child);
  EXPECT_LT(revs[0].epoch_ms(), revs[1].epoch_ms());
  h = log.history();
  EXPECT_TRUE(h.settled());
  EXPECT_EQ(h.state()->child_digest(), sha1_hex("m"));
  for (const auto& r : h.log()) EXPECT_FALSE(r.revisit);
}

TEST(Changelog, ACopyOfAMergeThatAnotherCopyCarriesOnIsNoHead) {
  // Two merges of the same heads write the same content under different names; a write
  // continues from one of them. The other copies are not heads.
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b");
  std::string m1 = rev(3000, "m"), m2 = rev(3001, "m"), m3 = rev(3002, "m"), m4 = rev(3003, "m");
  std::string x = rev(4000, "x");
  pod->write(kPhi + "." + a, "a");
  pod->write(kPhi + "." + b, "b");
  pod->write(a + "." + m1, "m");
  pod->write(b + "." + m2, "m");
  pod->write(a + "." + m3, "m");
  pod->write(b + "." + m4, "m");
  pod->write(m2 + "." + x, "x");  // written on an older copy: the state is still m4
  auto h = Changelog(pod).history();
  EXPECT_EQ(contents(h.heads()), std::vector<std::string>{sha1_hex("x")});
  EXPECT_EQ(h.state()->child, m4);
  EXPECT_FALSE(h.settled());  // readers would miss x: the state must be brought to it
}

TEST(Changelog, AContentThatComesBackIsStillAHead) {
  // Write a, then b, then a again (a revert): the last revision holds a content seen
  // before, and it is the head.
  auto pod = make_memory_pod();
  std::string a1 = rev(1000, "a"), b = rev(2000, "b"), a2 = rev(3000, "a");
  pod->write(kPhi + "." + a1, "a");
  pod->write(a1 + "." + b, "b");
  pod->write(b + "." + a2, "a");
  auto h = Changelog(pod).history();
  EXPECT_EQ(contents(h.heads()), std::vector<std::string>{sha1_hex("a")});
  EXPECT_TRUE(h.settled());
}

TEST(Changelog, CommonAncestorIsTheNewestSharedContent) {
  auto pod = make_memory_pod();
  std::string r = rev(1000, "r"), s = rev(2000, "s"), a = rev(3000, "a"), b = rev(4000, "b");
  pod->write(kPhi + "." + r, "r");
  pod->write(r + "." + s, "s");
  pod->write(s + "." + a, "a");
  pod->write(s + "." + b, "b");
  auto h = Changelog(pod).history();
  EXPECT_EQ(h.common_ancestor(h.heads())->child, s);
  // After a trim that removed s's revision, r... is gone too: nothing shared is readable.
  pod->rm(kPhi + "." + r);
  pod->rm(r + "." + s);
  h = Changelog(pod).history();
  EXPECT_FALSE(h.common_ancestor(h.heads()));
}

TEST(Changelog, BeforeKeepsTheOlderPrefix) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b");
  pod->write(kPhi + "." + a, "a");
  pod->write(a + "." + b, "b");
  auto h = Changelog(pod).history();
  EXPECT_EQ(h.before(2000).log().size(), 1u);
  EXPECT_EQ(h.before(2001).log().size(), 2u);
  EXPECT_EQ(h.before(1000).log().size(), 0u);
  EXPECT_TRUE(h.before(2000).log()[0].is_head);
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

namespace lakota {
namespace {

TEST(History, RevisionsAreNamedByFileChildOrShaPrefix) {
  auto pod = make_memory_pod();
  std::string a = rev(1000, "a"), b = rev(2000, "b");
  pod->write(kPhi + "." + a, "a");
  pod->write(a + "." + b, "b");
  auto h = Changelog(pod).history();
  EXPECT_EQ(h.resolve(a + "." + b).child, b);
  EXPECT_EQ(h.resolve(b).child, b);
  EXPECT_EQ(h.resolve(sha1_hex("a").substr(0, 4)).child, a);
  EXPECT_EQ(h.resolve(sha1_hex("b")).child, b);
  EXPECT_THROW(h.resolve("abc"), InvalidInput);           // too short
  EXPECT_THROW(h.resolve("not-hex!"), InvalidInput);
  EXPECT_THROW(h.resolve(kPhi + "." + b), NotFound);      // no such file
  EXPECT_THROW(h.resolve(rev(3000, "c")), NotFound);
  std::string missing = sha1_hex("a")[0] == '0' ? "ffff" : "0000";
  if (sha1_hex("b").substr(0, 4) != missing) EXPECT_THROW(h.resolve(missing), NotFound);
}

TEST(History, AnAmbiguousShaPrefixListsItsCandidates) {
  auto pod = make_memory_pod();
  // Find two contents whose sha1 share 4 hex digits.
  std::map<std::string, std::string> by_prefix;
  std::string x, y;
  for (int i = 0; x.empty(); ++i) {
    std::string c = std::to_string(i);
    auto [it, fresh] = by_prefix.emplace(sha1_hex(c).substr(0, 4), c);
    if (!fresh) x = it->second, y = c;
  }
  std::string rx = rev(1000, x), ry = rev(2000, y);
  pod->write(kPhi + "." + rx, x);
  pod->write(rx + "." + ry, y);
  auto h = Changelog(pod).history();
  try {
    h.resolve(sha1_hex(x).substr(0, 4));
    FAIL() << "expected ambiguous";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("ambiguous"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(sha1_hex(y).substr(0, 12)), std::string::npos);
  }
}

}  // namespace
}  // namespace lakota
