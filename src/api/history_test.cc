// Time travel and revert, on the memory pod and on the file pod.
#include <gtest/gtest.h>

#include "lakota/api/diff.h"
#include "lakota/api/repo.h"
#include "lakota/error.h"
#include "test_pod.h"

namespace lakota {
namespace {

using HistoryTest = PodTest;

TEST_P(HistoryTest, ReadsAnyRevisionAndRevertsToIt) {
  auto c = Repo(pod).create_collection(id_x_schema(), "c");
  c.series("s").write(id_x_frame({1, 2}, {1, 2}));
  auto first = c.history().state()->child_digest();
  c.series("s").write(id_x_frame({2, 3}, {20, 3}));
  c.series("t").write(id_x_frame({1}, {1}));

  Query q;
  q.revision = first.substr(0, 6);
  EXPECT_EQ(c.series("s").read(q).size(), 2u);
  EXPECT_EQ(c.series("t").read(q).size(), 0u);
  q.before_ms = 0;
  EXPECT_THROW(c.series("s").read(q), InvalidInput);  // a revision or a time, not both

  size_t revisions = c.history().log().size();
  EXPECT_TRUE(c.revert(first.substr(0, 6)));
  EXPECT_EQ(c.history().log().size(), revisions + 1);  // history kept
  EXPECT_EQ(c.ls(), std::vector<std::string>{"s"});
  EXPECT_EQ(c.series("s").read()["x"].values<double>()[1], 2.0);
  EXPECT_EQ(c.history().state()->child_digest(), first);
  EXPECT_FALSE(c.diverged());
  EXPECT_FALSE(c.revert(first));  // the state holds it already
  // Writes go on after a revert.
  c.series("s").write(id_x_frame({9}, {9}));
  EXPECT_EQ(c.series("s").length(), 3u);
  EXPECT_THROW(c.revert("ffffffff"), NotFound);
}

TEST_P(HistoryTest, TagsNameRevisions) {
  Repo repo(pod);
  auto c = repo.create_collection(id_x_schema(), "c");
  EXPECT_THROW(c.tag("v0"), NotFound);  // nothing to tag yet
  c.series("s").write(id_x_frame({1, 2}, {1, 2}));
  Revision v1 = c.tag("v1");
  EXPECT_EQ(v1.path(), c.history().state()->path());
  c.series("s").write(id_x_frame({3}, {3}));
  c.tag("v0", v1.child_digest().substr(0, 8));
  c.tag("ünïcode tag/with.dots", "v1");  // a tag names a revision, through another tag too
  EXPECT_THROW(c.tag("v1"), Conflict);
  EXPECT_THROW(c.tag(""), InvalidInput);
  EXPECT_THROW(c.tag("bad\nname"), InvalidInput);
  EXPECT_THROW(c.tag(std::string(121, 'x')), InvalidInput);
  EXPECT_THROW(c.tag("v9", "nosuchrev"), InvalidInput);
  EXPECT_THROW(c.tag("v9", "ffff"), NotFound);

  auto tags = c.tags();
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0].name, "v0");
  EXPECT_EQ(tags[1].name, "v1");
  EXPECT_EQ(tags[2].revision, v1.path());
  Query q;
  q.revision = "ünïcode tag/with.dots";
  EXPECT_EQ(c.series("s").read(q).size(), 2u);
  EXPECT_EQ(c.series("s").read().size(), 3u);
  EXPECT_EQ(c.resolve("v1").path(), v1.path());

  // Tags live outside the changelog: the history and the series are untouched by them.
  EXPECT_EQ(c.history().log().size(), 2u);
  EXPECT_EQ(c.ls(), std::vector<std::string>{"s"});

  c.untag("v0");
  EXPECT_THROW(c.untag("v0"), NotFound);
  EXPECT_EQ(c.tags().size(), 2u);
  // Renaming keeps the tags; deleting the collection drops them.
  repo.rename_collection("c", "d");
  EXPECT_EQ(repo.collection("d").tags().size(), 2u);
  repo.delete_collections({"d"});
  auto again = repo.create_collection(id_x_schema(), "d");
  EXPECT_TRUE(again.tags().empty());
  EXPECT_TRUE(pod->walk(".lakota-tags").empty());
}

TEST_P(HistoryTest, DiffShowsRangesAndRows) {
  auto c = Repo(pod).create_collection(id_x_schema(), "c");
  c.series("s").write(id_x_frame({1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}));
  c.series("gone").write(id_x_frame({1}, {1}));
  c.tag("a");
  c.series("s").write(id_x_frame({2, 3}, {20, 3}));  // 2 changed, 3 the same
  c.series("s").delete_range({int64_t(5)}, {int64_t(5)});
  c.series("s").write(id_x_frame({7}, {7}));
  c.series("new").write(id_x_frame({1}, {1}));
  c.delete_series({"gone"});
  c.tag("b");

  auto d = diff(c, "a", "b");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].series, "gone");
  EXPECT_EQ(d[0].status, '-');
  EXPECT_EQ(d[1].series, "new");
  EXPECT_EQ(d[1].status, '+');
  EXPECT_EQ(d[2].series, "s");
  EXPECT_EQ(d[2].status, '~');
  // Runs of differing rows: {2}, {5}, {7} (3, 4 and 6 are the same in both).
  ASSERT_EQ(d[2].ranges.size(), 3u);
  EXPECT_EQ(std::get<int64_t>(d[2].ranges[0].start[0]), 2);
  EXPECT_EQ(d[2].ranges[0].changed, 1u);
  EXPECT_EQ(std::get<int64_t>(d[2].ranges[1].stop[0]), 5);
  EXPECT_EQ(d[2].ranges[1].removed, 1u);
  EXPECT_EQ(d[2].ranges[2].added, 1u);
  EXPECT_TRUE(d[2].rows.empty());

  auto v = diff(c, "a", "b", "s", true);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(std::string(v[0].ops.begin(), v[0].ops.end()), "~-+");
  auto x = v[0].rows["x"].values<double>();
  EXPECT_EQ(std::vector<double>(x.begin(), x.end()), (std::vector<double>{20, 5, 7}));  // new, old, new values

  EXPECT_TRUE(diff(c, "b", "b").empty());
  EXPECT_THROW(diff(c, "a", "b", "nosuch"), NotFound);
  // A rewrite of the same rows (as a defrag makes) is no difference.
  c.series("s").write(c.series("s").read());
  EXPECT_TRUE(diff(c, "b", c.history().state()->child_digest()).empty());
}

INSTANTIATE_TEST_SUITE_P(Pods, HistoryTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
