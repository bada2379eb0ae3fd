#include "lakota/encoding/hash.h"

#include <gtest/gtest.h>

#include "lakota/error.h"

namespace lakota {

TEST(Hash, Sha1OfEmptyInput) { EXPECT_EQ(sha1_hex(""), kEmptyDigest); }

TEST(Hash, Sha1OfTinyTimestamps) {
  // FORMAT.md §4.6: the timestamp digest of the `tiny` corpus repository.
  int64_t ts[] = {1592784000, 1592870400, 1592956800, 1593043200, 1593129600, 1593216000};
  EXPECT_EQ(sha1_hex(ts, sizeof ts), "5e66a21b02e8fca62643f45dcb5e1b9c4e99edd9");
}

TEST(Hash, HashedPath) {
  EXPECT_EQ(hashed_path("5e66a21b02e8fca62643f45dcb5e1b9c4e99edd9"), "5e/66/a21b02e8fca62643f45dcb5e1b9c4e99edd9");
  EXPECT_THROW(hashed_path("abc"), InvalidInput);
}

TEST(Hash, Hextime) {
  EXPECT_EQ(hextime(0x1a20a1485a8), "1a20a1485a8");
  EXPECT_EQ(hextime(255), "000000000ff");
  EXPECT_EQ(parse_hextime("1a20a1485a8"), 0x1a20a1485a8);
  EXPECT_THROW(parse_hextime("xyz"), InvalidInput);
  // 16 hex digits would overflow int64: a hextime has exactly 11.
  EXPECT_THROW(parse_hextime("ffffffffffffffff"), InvalidInput);
  EXPECT_THROW(parse_hextime("1a20a1485a"), InvalidInput);
  EXPECT_EQ(parse_hextime("fffffffffff"), 0xfffffffffffLL);
}

}  // namespace lakota
