#include "lakota/encoding/codecs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "lakota/encoding/msgpack.h"
#include "lakota/error.h"
#include "lakota/model/schema.h"

namespace lakota {
namespace {

TEST(Blosc, SmallArraysAreMemcpyedWithTheReferenceHeader) {
  // FORMAT.md §4.5: fewer than 16 values: flags 0x96, header then raw bytes.
  int64_t v = 1592784000;
  std::string enc = blosc_encode(&v, 8, 8);
  ASSERT_EQ(enc.size(), 24u);
  EXPECT_EQ(std::string_view(enc).substr(0, 4), std::string_view("\x02\x01\x96\x08", 4));
  int64_t back = 0;
  blosc_decode(enc, blosc_info(enc, 8, "test"), &back, "test");
  EXPECT_EQ(back, v);
}

TEST(Blosc, LargeArraysUseBlocksAndDecodePartially) {
  std::vector<int64_t> v(100003);
  std::iota(v.begin(), v.end(), 1600000000);
  std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  auto info = blosc_info(enc, 8, "test");
  EXPECT_EQ(info.nbytes, v.size() * 8);
  EXPECT_EQ(info.blocksize, 262144u);
  EXPECT_EQ(enc[2] & 0xff, 0x94);  // bitshuffle | no split | zstd
  std::vector<int64_t> part(10);
  blosc_decode_items(enc, info, 70000, 10, part.data(), "test");
  EXPECT_EQ(part[0], 1600070000);
  EXPECT_EQ(part[9], 1600070009);
}

// A frame made piece by piece (to be written while it is compressed) is the frame made at
// once, byte for byte: for a random walk, noise, a constant, with a last piece of a whole
// number of blocks, of more, of less than a block, and of one piece only. What cannot be
// made of pieces (an incompressible array, stored as it is) says so with 0.
TEST(Blosc, PiecesMakeTheFrameOfTheWholeArray) {
  uint64_t seed = 7;
  auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return double(seed >> 11) / double(1ULL << 53) - 0.5;
  };
  const size_t block = 1 << 16, chunk = 4 * block;
  for (size_t n : {size_t(2) * chunk / 8, (3 * chunk + 2 * block) / 8, (3 * chunk + 2 * block) / 8 + 1000,
                   (2 * chunk) / 8 + 100, size_t(5000), (chunk + block / 2) / 8}) {
    std::vector<double> walk(n), noise(n), constant(n, 2.5);
    double x = 100;
    for (size_t i = 0; i < n; ++i) walk[i] = std::round((x += next()) * 1e4) / 1e4, noise[i] = next();
    for (const auto* v : {&walk, &noise, &constant}) {
      BloscParams p;
      p.clevel = 1;
      p.blocksize = block;
      p.threads = 1;
      std::string whole = blosc_encode(v->data(), n * 8, 8, p);
      std::string pieces;
      size_t size = blosc_encode_pieces(v->data(), n * 8, 8, p, chunk, [&](uint64_t at, std::string_view b) {
        if (pieces.size() < at + b.size()) pieces.resize(at + b.size());
        std::memcpy(pieces.data() + at, b.data(), b.size());
      });
      ASSERT_EQ(size, whole.size()) << n;
      ASSERT_EQ(pieces.size(), whole.size()) << n;
      EXPECT_TRUE(pieces == whole) << n;
      std::vector<double> back(n);
      blosc_decode(pieces, blosc_info(pieces, 8, "test"), back.data(), "test");
      EXPECT_TRUE(back == *v) << n;
    }
  }
  // lz4 splits a block into streams, except the frame's last block when it is short (the
  // "leftover"): a short tail goes with the piece before it, so that it is a leftover there
  // too (a piece of its own made a frame that did not decode).
  const size_t big = 1 << 20, big_chunk = 4 * big;
  for (size_t tail : {big / 2, big + 1000, size_t(0)}) {
    size_t n = (2 * big_chunk + tail) / 8;
    std::vector<double> walk(n);
    double x = 100;
    for (auto& w : walk) w = std::round((x += next()) * 1e4) / 1e4;
    BloscParams p;
    p.compressor = "lz4";
    p.blocksize = big;
    p.threads = 1;
    std::string whole = blosc_encode(walk.data(), n * 8, 8, p);
    ASSERT_EQ(uint8_t(whole[2]) & 0x10, 0) << "lz4 splits blocks";
    std::string pieces;
    size_t size = blosc_encode_pieces(walk.data(), n * 8, 8, p, big_chunk, [&](uint64_t at, std::string_view b) {
      if (pieces.size() < at + b.size()) pieces.resize(at + b.size());
      std::memcpy(pieces.data() + at, b.data(), b.size());
    });
    ASSERT_EQ(size, whole.size()) << tail;
    EXPECT_TRUE(pieces == whole) << tail;
    std::vector<double> back(n);
    blosc_decode(pieces, blosc_info(pieces, 8, "test"), back.data(), "test");
    EXPECT_TRUE(back == walk) << tail;
  }
  std::vector<uint64_t> random(3 * chunk / 8);
  for (auto& r : random) r = (seed = seed * 6364136223846793005ULL + 1442695040888963407ULL);
  BloscParams p;
  p.blocksize = block;
  size_t calls = 0;
  EXPECT_EQ(blosc_encode_pieces(random.data(), random.size() * 8, 1, p, chunk, [&](uint64_t, std::string_view) { ++calls; }), 0u);
  EXPECT_THROW(blosc_encode_pieces(random.data(), 100, 8, p, chunk + 1, [](uint64_t, std::string_view) {}), InvalidInput);
}

TEST(Blosc, TruncatedBuffersAreCorrupt) {
  std::vector<double> v(1000, 1.5);
  std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  EXPECT_THROW(blosc_info(enc.substr(0, enc.size() - 3), 8, "seg"), CorruptData);
  EXPECT_THROW(blosc_info("abc", 8, "seg"), CorruptData);
}

// A header that lies about any field is refused before anything is decoded.
TEST(Blosc, HeadersThatLieAreCorrupt) {
  std::vector<double> v(100003);
  for (size_t i = 0; i < v.size(); ++i) v[i] = double(i) * 0.5;
  const std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  ASSERT_NO_THROW(blosc_info(enc, 8, "seg"));
  auto patched = [&](size_t at, uint32_t value, int bytes = 4) {
    std::string out = enc;
    std::memcpy(out.data() + at, &value, bytes);
    return out;
  };
  auto expect_corrupt = [](const std::string& bytes, size_t typesize, const char* field) {
    try {
      blosc_info(bytes, typesize, "segment aa/bb/cc");
      ADD_FAILURE() << field << " was not checked";
    } catch (const CorruptData& e) {
      EXPECT_NE(std::string(e.what()).find("segment aa/bb/cc"), std::string::npos) << e.what();
    }
  };
  expect_corrupt(enc, 4, "the expected typesize");
  expect_corrupt(patched(3, 9, 1), 8, "typesize");
  expect_corrupt(patched(3, 0, 1), 8, "typesize 0");
  expect_corrupt(patched(0, 3, 1), 8, "version");
  {
    // One more element in the last block: the header alone cannot tell, decoding does.
    std::string bad = patched(4, uint32_t(v.size() * 8 + 8));
    auto info = blosc_info(bad, 8, "seg");
    std::vector<double> out(v.size() + 1);
    EXPECT_THROW(blosc_decode(bad, info, out.data(), "seg"), CorruptData);
  }
  expect_corrupt(patched(4, uint32_t(v.size() * 8 + 3)), 8, "nbytes (partial element)");
  expect_corrupt(patched(4, 0x7fff0000), 8, "nbytes (more than the bytes hold)");
  expect_corrupt(patched(8, 0), 8, "blocksize 0");
  expect_corrupt(patched(8, 262144 + 4), 8, "blocksize (partial element)");
  expect_corrupt(patched(8, uint32_t(v.size() * 8 + 8)), 8, "blocksize past nbytes");
  expect_corrupt(patched(12, uint32_t(enc.size() + 1)), 8, "cbytes");
  expect_corrupt(patched(16, 3), 8, "first block offset (inside the header)");
  expect_corrupt(patched(20, uint32_t(enc.size())), 8, "second block offset (past the end)");
  expect_corrupt(patched(2, 0x96, 1), 8, "memcpyed flag with a compressed body");
}

TEST(Blosc, DecodingAFlippedBodyNeverWritesPastItsBuffer) {
  std::vector<double> v(100003);
  for (size_t i = 0; i < v.size(); ++i) v[i] = double(i) * 0.5;
  const std::string enc = blosc_encode(v.data(), v.size() * 8, 8);
  std::vector<double> out(v.size());
  for (size_t at = 16; at < enc.size(); at += 97) {
    std::string bad = enc;
    bad[at] = char(bad[at] ^ 0x5a);
    try {
      auto info = blosc_info(bad, 8, "seg");
      blosc_decode(bad, info, out.data(), "seg");
      blosc_decode_items(bad, info, 50000, 10, out.data(), "seg");
    } catch (const CorruptData&) {
    }
  }
}

TEST(ByteCodecs, DeclaredSizesAreBoundedByTheInput) {
  // lz4: a size prefix of 4 GB in front of a few bytes.
  std::string lz4 = byte_encode("lz4", std::string(100, 'x'));
  uint32_t huge = 0xffffffff;
  std::memcpy(lz4.data(), &huge, 4);
  EXPECT_THROW(byte_decode("lz4", lz4, "seg"), CorruptData);
  // zstd: a frame whose header declares 1 TB.
  std::string zstd = byte_encode("zstd", std::string(100, 'x'));
  ASSERT_EQ(uint8_t(zstd[4]) & 0xe0, 0x20);  // single segment, 1-byte content size
  std::string lie = zstd.substr(0, 4) + char(zstd[4] | 0xc0);
  uint64_t tb = uint64_t(1) << 40;
  lie.append(reinterpret_cast<const char*>(&tb), 8);
  lie += zstd.substr(6);
  EXPECT_THROW(byte_decode("zstd", lie, "seg"), CorruptData);
  // A caller that knows the decoded size bounds every codec by it.
  for (const char* codec : {"zstd", "lz4", "zlib", "gzip", "bz2", "lzma"}) {
    std::string enc = byte_encode(codec, std::string(100000, 'x'));
    EXPECT_THROW(byte_decode(codec, enc, "seg", 1000), CorruptData) << codec;
    EXPECT_EQ(byte_decode(codec, enc, "seg", 100000).size(), 100000u) << codec;
  }
}

TEST(Msgpack, ClaimedSizesAndNestingAreBounded) {
  // An array32 claiming 4 billion items in 5 bytes.
  EXPECT_THROW(MsgDoc(std::string("\xdd\xff\xff\xff\xff", 5), "rev"), CorruptData);
  // A map32 claiming more pairs than bytes left.
  EXPECT_THROW(MsgDoc(std::string("\xdf\x00\x00\x00\x03\x01\x01\x01\x01", 9), "rev"), CorruptData);
  // A str32 longer than the document.
  EXPECT_THROW(MsgDoc(std::string("\xdb\x00\x10\x00\x00" "ab", 7), "rev"), CorruptData);
  // 10,000 nested arrays.
  EXPECT_THROW(MsgDoc(std::string(10000, '\x91') + '\x01', "rev"), CorruptData);
  // Trailing bytes, unknown type byte.
  EXPECT_THROW(MsgDoc(std::string("\x01\x01", 2), "rev"), CorruptData);
  EXPECT_THROW(MsgDoc(std::string("\xc1", 1), "rev"), CorruptData);
  // Within the bounds, documents still parse.
  MsgDoc ok(std::string(20, '\x91') + '\x01', "rev");
  EXPECT_EQ(ok.root().type, MSGPACK_OBJECT_ARRAY);
}

TEST(VlenUtf8, NumcodecsLayoutRoundTripAndDamage) {
  std::vector<std::string> v{"ham", "", "\xc3\xa9t\xc3\xa9"};
  std::string bytes = vlen_utf8_encode(v, 0, v.size());
  // count 3, then (3, "ham"), (0, ""), (5, "été"): numcodecs.VLenUTF8().encode(...)
  EXPECT_EQ(bytes, std::string("\3\0\0\0\3\0\0\0ham\0\0\0\0\5\0\0\0\xc3\xa9t\xc3\xa9", 24));
  EXPECT_EQ(vlen_utf8_decode(bytes, "x"), v);
  EXPECT_EQ(vlen_utf8_encode(v, 1, 2), std::string("\1\0\0\0\0\0\0\0", 8));
  EXPECT_THROW(vlen_utf8_decode(bytes.substr(0, 10), "x"), CorruptData);        // truncated
  EXPECT_THROW(vlen_utf8_decode(bytes + "z", "x"), CorruptData);                // trailing
  EXPECT_THROW(vlen_utf8_decode(std::string("\xff\xff\xff\x7f", 4), "x"), CorruptData);  // huge count
  std::string bad = bytes;
  bad[20] = '\xff';  // not UTF-8
  EXPECT_THROW(vlen_utf8_decode(bad, "x"), CorruptData);
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
  EXPECT_THROW(msgpack2_decode("\x93\xa1\xff\xa3<U1\x91\x01", "test"), CorruptData);  // not UTF-8
}

}  // namespace
}  // namespace lakota

namespace lakota {
namespace {

TEST(BloscSettings, UnknownCompressorAndLevelAreClearErrors) {
  std::vector<double> v(1000, 1.5);
  BloscParams p;
  p.compressor = "nope";
  try {
    blosc_encode(v.data(), v.size() * 8, 8, p);
    FAIL() << "no error";
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("unknown blosc compressor 'nope'"), std::string::npos);
  }
  p.compressor = "zstd";
  p.clevel = 12;
  EXPECT_THROW(blosc_encode(v.data(), v.size() * 8, 8, p), InvalidInput);
}

TEST(BloscSettings, SmallArraysAreTheReferencesLargeOnesOurs) {
  EncodeOptions o;
  ColumnDef value{"value", DType::parse("float"), {"blosc"}, false}, ts{"ts", DType::parse("timestamp"), {"blosc"}, true};
  EXPECT_EQ(o.codec_for(value, 1000), (BloscCodec{"zstd", 5, 0}));  // byte for byte the reference's
  EXPECT_EQ(o.codec_for(value, 1 << 20), o.blosc);
  EXPECT_EQ(o.codec_for(ts, 1 << 20), o.index);
  // Times and integers up to 64 KiB: the reference's at once (they mostly embed).
  EXPECT_EQ(o.codec_for(value, 8000), o.blosc);
  EXPECT_EQ(o.codec_for(ts, 8000), (BloscCodec{"zstd", 5, 0}));
  EXPECT_EQ(o.codec_for(ts, 64 << 10), o.index);
  o.columns["value"] = BloscCodec{"lz4", 9, 0};
  EXPECT_EQ(o.codec_for(value, 1 << 20).compressor, "lz4");
  // Either reads back the same values.
  std::vector<double> x(200000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = double(i % 977) / 7;
  Column col = Column::from_vector(DType::parse("float"), x);
  for (const auto& codec : {o.blosc, BloscCodec{"lz4", 9, 0}}) {
    EncodeOptions e;
    e.blosc = codec;
    auto enc = encode_column(value, col, e);
    EXPECT_TRUE(decode_column(value, enc.data(), "test", {x.size(), enc.digest}).equals(col));
  }
}

TEST(BloscSettings, ALargeArrayThatEmbedsIsTheReferencesBytes) {
  // 131,072 equal values compress to a few hundred bytes: small enough for a commit to embed
  // them, so they are encoded as the reference encodes them (zstd level 5, blosc's blocks).
  ColumnDef value{"value", DType::parse("float"), {"blosc"}, false};
  std::vector<double> x(1 << 17, 2.5);
  auto enc = encode_column(value, Column::from_vector(DType::parse("float"), x));
  ASSERT_LT(enc.data().size(), 1024u);
  // Blosc's threads store blocks in the order they finish (FORMAT.md 4.5): compare the
  // settings, not the order. The reference's: zstd (flags >> 5 == 4), 256 KiB blocks.
  BloscInfo info = blosc_info(enc.data(), 8, "test");
  EXPECT_EQ(uint8_t(enc.data()[2]) >> 5, 4);
  EXPECT_EQ(info.blocksize, size_t(262144));
  EXPECT_TRUE(decode_column(value, enc.data(), "test", {x.size(), enc.digest})
                  .equals(Column::from_vector(DType::parse("float"), x)));
}

}  // namespace
}  // namespace lakota
