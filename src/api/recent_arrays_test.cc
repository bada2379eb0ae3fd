// The cache of arrays written lately (see recent_arrays.h); what the compaction does with
// it is tested in compact_test.cc.
#include "recent_arrays.h"

#include <gtest/gtest.h>

namespace lakota {
namespace {

TEST(RecentArrays, KeepsCopiesWithinItsBudgetOldestOutFirst) {
  const DType f8 = DType::parse("float");
  RecentArrays recent(4 * 8000);  // four arrays of 1,000 floats; none over a quarter of it
  std::vector<double> values(1000, 1.5);
  Column source = Column::from_vector(f8, values);
  recent.put("a", source);
  // A copy: the writer's memory may change after its write.
  const_cast<double*>(source.values<double>().data())[0] = 9.0;
  ASSERT_TRUE(recent.get("a"));
  EXPECT_EQ(recent.get("a")->values<double>()[0], 1.5);
  for (const char* d : {"b", "c", "d", "e"}) recent.put(d, Column::from_vector(f8, values));
  EXPECT_FALSE(recent.get("a")) << "the oldest goes first";
  EXPECT_TRUE(recent.get("e"));
  EXPECT_LE(recent.bytes(), size_t(4 * 8000));
  recent.put("big", Column::from_vector(f8, std::vector<double>(1001, 0.0)));
  EXPECT_FALSE(recent.get("big")) << "more than a quarter of the budget";
  recent.put("str", Column::strings({"x", "y"}, 1));
  EXPECT_FALSE(recent.get("str")) << "fixed-width types only";
}

TEST(RecentArrays, PlacesAHitWhereAReadWouldDecode) {
  const DType f8 = DType::parse("float");
  Column held = Column::from_vector(f8, std::vector<double>{1, 2, 3});
  auto whole = std::make_shared<Buffer>(5 * 8);
  DecodeTarget target{whole->bytes.get() + 8, 3 * 8, whole};
  Column placed = place_column(held, &target);
  EXPECT_EQ(placed.data(), whole->bytes.get() + 8);
  EXPECT_TRUE(placed.equals(held));
  // A target of another size is not used.
  DecodeTarget other{whole->bytes.get(), 2 * 8, whole};
  EXPECT_EQ(place_column(held, &other).data(), held.data());
}

}  // namespace
}  // namespace lakota
