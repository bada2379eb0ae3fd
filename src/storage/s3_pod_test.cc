// The S3 pod and the cache pod on the MinIO server that `make test` starts: what only a
// bucket has (pages of listings, multipart uploads, conditional puts, deletes in batches),
// and what the cache serves from where.
#include <gtest/gtest.h>

#include <cstdlib>

#include "api/test_pod.h"
#include "common/thread_pool.h"
#include "lakota/api/repo.h"
#include "lakota/error.h"
#include "lakota/storage/s3.h"

namespace lakota {
namespace {

std::vector<std::string> s3_only() {
  if (test_s3_options("")) return {"s3"};
  return {};
}

class S3PodTest : public PodTest {
 protected:
  S3Options options() { return *test_s3_options(test_unique_name("lakota-s3-test-")); }
};

TEST_P(S3PodTest, ListsMoreThanAPageAndRemovesInBatches) {
  // 1,500 files in one folder: ListObjectsV2 answers 1,000 at most per page.
  parallel_for(1500, 16, [&](size_t i) { pod->write("many/f" + std::to_string(10000 + i), "x"); });
  auto names = pod->ls("many");
  ASSERT_EQ(names.size(), 1500u);
  EXPECT_EQ(names.front(), "f10000");
  EXPECT_EQ(names.back(), "f11499");
  EXPECT_EQ(pod->walk("many").size(), 1500u);
  EXPECT_EQ(pod->ls(), std::vector<std::string>{"many"});
  EXPECT_TRUE(pod->rm("many", true));  // two DeleteObjects batches
  EXPECT_TRUE(pod->ls().empty());
  EXPECT_FALSE(pod->rm("many", true));
}

TEST_P(S3PodTest, LargeFilesGoUpInParts) {
  S3Options o = options();
  o.multipart_threshold = 6 << 20;
  o.part_size = 5 << 20;
  PodPtr s3 = make_s3_pod(o);
  std::string data(12 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char((i * 2654435761u) >> 13);
  EXPECT_TRUE(s3->write("big", data));
  EXPECT_EQ(s3->read("big"), data);
  EXPECT_EQ(s3->size("big"), data.size());
  EXPECT_EQ(s3->read_range("big", 7 << 20, 100), data.substr(7 << 20, 100));
  EXPECT_EQ(s3->read_range("big", data.size() + 10, 100), "");
  // Write-once holds for multipart uploads too.
  EXPECT_FALSE(s3->write("big", std::string(7 << 20, 'z')));
  EXPECT_EQ(s3->read_range("big", 0, 16), data.substr(0, 16));
  s3->rm("", true);
}

TEST_P(S3PodTest, WriteOnceWithoutConditionalPuts) {
  // A store that ignores If-None-Match: the pod checks for the file first.
  setenv("LAKOTA_S3_CONDITIONAL_WRITES", "0", 1);
  EXPECT_TRUE(pod->write("a", "1"));
  EXPECT_FALSE(pod->write("a", "2"));
  EXPECT_EQ(pod->read("a"), "1");
  unsetenv("LAKOTA_S3_CONDITIONAL_WRITES");
  // MinIO honours the header: the probe finds it and leaves nothing behind.
  EXPECT_FALSE(pod->write("a", "3"));
  EXPECT_TRUE(pod->write("b", "1"));
  EXPECT_EQ(pod->ls(), (std::vector<std::string>{"a", "b"}));
}

TEST_P(S3PodTest, CacheServesImmutableFilesLocallyAndAsksTheRemoteWhatExists) {
  PodPtr local = make_memory_pod();
  PodPtr cache = make_cache_pod(local, pod);
  pod->write("aa/bb/segment", "data");
  EXPECT_EQ(cache->read("aa/bb/segment"), "data");
  EXPECT_EQ(local->read("aa/bb/segment"), "data");  // kept
  pod->rm("aa/bb/segment");
  EXPECT_EQ(cache->read("aa/bb/segment"), "data");  // served by the local copy
  EXPECT_FALSE(cache->exists("aa/bb/segment"));      // but what exists is the remote's
  EXPECT_TRUE(cache->ls("aa/bb").empty());
  // Writes reach the remote, then the local copy.
  EXPECT_TRUE(cache->write("cc/x", "1"));
  EXPECT_EQ(pod->read("cc/x"), "1");
  EXPECT_EQ(local->read("cc/x"), "1");
  // A move the remote could not make leaves no stale local copy under either name.
  local->write("stale/a", "old");
  pod->write("stale/b", "new");
  EXPECT_FALSE(cache->mv("stale/a", "stale/b"));
  EXPECT_FALSE(local->exists("stale/a"));
  EXPECT_EQ(cache->read("stale/b"), "new");
  // A tag can be moved by another client: never served from the cache.
  pod->write(".lakota-tags/c/74", "rev1");
  EXPECT_EQ(cache->read(".lakota-tags/c/74"), "rev1");
  pod->rm(".lakota-tags/c/74");
  pod->write(".lakota-tags/c/74", "rev2");
  EXPECT_EQ(cache->read(".lakota-tags/c/74"), "rev2");
  // A repository read through a cache sees another writer's commit at once.
  Repo writer(reopen());
  auto c = writer.create_collection(id_x_schema(), "c");
  c.series("s").write(id_x_frame({1, 2}, {1, 2}));
  Repo cached(make_cache_pod(make_memory_pod(), pod));
  EXPECT_EQ(cached.collection("c").series("s").read().size(), 2u);
  writer.collection("c").series("s").write(id_x_frame({3}, {3}));
  EXPECT_EQ(cached.collection("c").series("s").read().size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Pods, S3PodTest, ::testing::ValuesIn(s3_only()), pod_kind_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(S3PodTest);

}  // namespace
}  // namespace lakota
