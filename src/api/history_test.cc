// Time travel and revert, on the memory pod and on the file pod.
#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(Pods, HistoryTest, ::testing::Values("memory", "file"));

}  // namespace
}  // namespace lakota
