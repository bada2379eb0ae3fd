// A write is visible completely or not at all: fail the storage at every write a series
// write makes, and the collection still reads exactly its previous state.
#include <gtest/gtest.h>

#include "lakota/api/repo.h"
#include "lakota/error.h"
#include "test_pod.h"

namespace lakota {
namespace {

Frame frame(int64_t first, size_t n, double value) {
  std::vector<int64_t> t(n);
  std::vector<double> v(n);
  uint64_t seed = uint64_t(value * 1000) + 1;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;  // values that do not compress
    t[i] = first + int64_t(i);
    v[i] = value + double(seed >> 11) / double(1ULL << 53);
  }
  return Frame({"id", "x"}, {Column::from_vector(DType::parse("int"), t), Column::from_vector(DType::parse("float"), v)});
}

TEST(Faults, AFailedWriteLeavesThePreviousState) {
  auto faulty = std::make_shared<FaultyPod>(make_memory_pod());
  Repo repo(faulty);
  auto c = repo.create_collection(Schema::parse({{"id", "int*"}, {"x", "float"}}), "c");
  auto s = c.series("s");
  s.write(frame(0, 5000, 1.0));
  Frame before = s.read();
  // Count the writes one more write makes, then fail each of them in turn.
  faulty->writes = 0;
  c.series("probe").write(frame(0, 5000, 3.0));
  int per_write = faulty->writes;
  ASSERT_GE(per_write, 2);  // a segment, then the revision
  before = s.read();
  for (int k = 1; k <= per_write; ++k) {
    faulty->writes = 0;
    faulty->fail_at = k;
    EXPECT_THROW(s.write(frame(2500, 5000, 2.0 + k)), StorageError) << k;
    faulty->fail_at = 0;
    EXPECT_TRUE(Repo(faulty).collection("c").series("s").read().equals(before)) << k;
  }
  s.write(frame(2500, 5000, 9.0));
  EXPECT_EQ(s.length(), 7500u);
}

}  // namespace
}  // namespace lakota
