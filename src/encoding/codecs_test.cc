#include "lakota/encoding/codecs.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <vector>

#include "lakota/encoding/msgpack.h"
#include "lakota/error.h"

namespace lakota {
namespace {

TEST(Blosc, SmallArraysAreMemcpyedWithTheReferenceHeader) {
  // FORMAT.md §4.5: fewer than 16 values: flags 0x96, header then raw bytes.
  int64_t v = 1592784000;
  std::string enc = blosc_encode(&v, 8, 8);
  ASSERT_EQ(enc.size(), 24u);
  EXPECT_EQ(std::string_view(enc).substr(0, 4), std::string_view("\x02\x01\x96\x08", 4));
  int64_t back = 0;
  blosc_decode(enc, &back, "test");
  EXPECT_EQ(back, v);
}

TEST(Blosc, LargeArraysUseBlocksAndDecodePartially) {
  std::vector<int64_t> v(100003);
  std::iota(v.begin(), v.end(), 1600000000);
  std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  auto info = blosc_info(enc, "test");
  EXPECT_EQ(info.nbytes, v.size() * 8);
  EXPECT_EQ(info.blocksize, 262144u);
  EXPECT_EQ(enc[2] & 0xff, 0x94);  // bitshuffle | no split | zstd
  std::vector<int64_t> part(10);
  blosc_decode_items(enc, 70000, 10, part.data(), "test");
  EXPECT_EQ(part[0], 1600070000);
  EXPECT_EQ(part[9], 1600070009);
}

TEST(Blosc, TruncatedBuffersAreCorrupt) {
  std::vector<double> v(1000, 1.5);
  std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  EXPECT_THROW(blosc_info(enc.substr(0, enc.size() - 3), "seg"), CorruptData);
  EXPECT_THROW(blosc_info("abc", "seg"), CorruptData);
}

TEST(ByteCodecs, RoundTripWithNumcodecsFraming) {
  std::string data(5000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = char(i * 7 % 13);
  for (const char* codec : {"zstd", "lz4", "zlib", "gzip", "bz2", "lzma"}) {
    std::string enc = byte_encode(codec, data);
    EXPECT_EQ(byte_decode(codec, enc, "test"), data) << codec;
    EXPECT_THROW(byte_decode(codec, enc.substr(0, enc.size() / 2), "test"), CorruptData) << codec;
  }
  // numcodecs' LZ4 starts with the raw size, little endian.
  std::string lz4 = byte_encode("lz4", data);
  uint32_t size;
  std::memcpy(&size, lz4.data(), 4);
  EXPECT_EQ(size, 5000u);
  EXPECT_THROW(byte_encode("snappy", data), InvalidInput);
}

TEST(Msgpack, SmallestFormsAsMsgpackPythonWrites) {
  MsgWriter w;
  w.str(std::string(40, 'a'));  // str8, not str16
  w.integer(1);
  w.integer(300);
  w.bin("xy");
  std::string out = w.take();
  EXPECT_EQ(out[0] & 0xff, 0xd9);
  EXPECT_EQ(out[1] & 0xff, 40);
  EXPECT_EQ(out[42] & 0xff, 0x01);
  EXPECT_EQ(out[43] & 0xff, 0xcd);
  EXPECT_EQ(std::string_view(out).substr(46), std::string_view("\xc4\x02xy", 4));
}

TEST(Msgpack, Msgpack2StringArrays) {
  std::vector<std::string> v{"Brussels"};
  std::string enc = msgpack2_encode_strings(v, 0, 1, 8);
  EXPECT_EQ(enc, std::string("\x93\xa8" "Brussels" "\xa3<U8\x91\x01"));
  auto back = msgpack2_decode(enc, "test");
  EXPECT_EQ(back.dtype, "<U8");
  EXPECT_EQ(back.strings, v);
  EXPECT_THROW(msgpack2_decode("\x93\xa1x\xa3<U1\x91\x05", "test"), CorruptData);  // shape says 5
}

}  // namespace
}  // namespace lakota
