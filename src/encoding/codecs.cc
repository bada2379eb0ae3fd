#include "lakota/encoding/codecs.h"

#include <blosc.h>
#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>

#include "lakota/error.h"

namespace lakota {
namespace {

constexpr int kZstdLevel = 1;
constexpr int kZlibLevel = 1;
constexpr int kBz2Level = 1;
constexpr uint32_t kLzmaPreset = 6;

[[noreturn]] void corrupt(std::string_view codec, std::string_view what, std::string_view why) {
  throw CorruptData(std::string(what) + ": cannot decode " + std::string(codec) + " data (" + std::string(why) + ")");
}

int blosc_threads(size_t nbytes, int requested) {
  if (requested > 0) return requested;
  return nbytes >= (1u << 20) ? 2 : 1;
}

std::string zstd_decode(std::string_view data, std::string_view what) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) corrupt("zstd", what, "not a zstd frame");
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && ZSTD_findFrameCompressedSize(data.data(), data.size()) == data.size()) {
    std::string out(size, '\0');
    size_t n = ZSTD_decompress(out.data(), out.size(), data.data(), data.size());
    if (ZSTD_isError(n) || n != size) corrupt("zstd", what, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
    return out;
  }
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  ZSTD_initDStream(stream.get());
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t ret = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    ret = ZSTD_decompressStream(stream.get(), &o, &in);
    if (ZSTD_isError(ret)) corrupt("zstd", what, ZSTD_getErrorName(ret));
    out.append(chunk.data(), o.pos);
    if (o.pos == 0 && ret != 0 && in.pos == in.size) break;
  }
  if (ret != 0) corrupt("zstd", what, "truncated frame");
  return out;
}

std::string zlib_encode(std::string_view data, int window_bits) {
  z_stream zs{};
  if (deflateInit2(&zs, kZlibLevel, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("zlib: cannot initialise the compressor");
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = (Bytef*)data.data();
  zs.avail_in = data.size();
  zs.next_out = (Bytef*)out.data();
  zs.avail_out = out.size();
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error("zlib: compression failed");
  return out;
}

std::string zlib_decode(std::string_view data, int window_bits, std::string_view codec, std::string_view what) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) throw Error("zlib: cannot initialise the decompressor");
  std::string out;
  char chunk[65536];
  zs.next_in = (Bytef*)data.data();
  zs.avail_in = data.size();
  int rc;
  do {
    zs.next_out = (Bytef*)chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      corrupt(codec, what, zs.msg ? zs.msg : "invalid stream");
    }
    out.append(chunk, sizeof chunk - zs.avail_out);
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      corrupt(codec, what, "truncated stream");
    }
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

std::string bz2_encode(std::string_view data) {
  unsigned int size = data.size() + data.size() / 100 + 600;
  std::string out(size, '\0');
  int rc = BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(data.data()), data.size(), kBz2Level, 0, 0);
  if (rc != BZ_OK) throw Error("bz2: compression failed");
  out.resize(size);
  return out;
}

std::string bz2_decode(std::string_view data, std::string_view what) {
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) throw Error("bz2: cannot initialise the decompressor");
  std::string out;
  char chunk[65536];
  bs.next_in = const_cast<char*>(data.data());
  bs.avail_in = data.size();
  int rc;
  do {
    bs.next_out = chunk;
    bs.avail_out = sizeof chunk;
    rc = BZ2_bzDecompress(&bs);
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&bs);
      corrupt("bz2", what, "invalid stream");
    }
    out.append(chunk, sizeof chunk - bs.avail_out);
    if (rc == BZ_OK && bs.avail_in == 0 && bs.avail_out != 0) {
      BZ2_bzDecompressEnd(&bs);
      corrupt("bz2", what, "truncated stream");
    }
  } while (rc != BZ_STREAM_END);
  BZ2_bzDecompressEnd(&bs);
  return out;
}

std::string lzma_encode(std::string_view data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  size_t pos = 0;
  if (lzma_easy_buffer_encode(kLzmaPreset, LZMA_CHECK_CRC64, nullptr, (const uint8_t*)data.data(), data.size(),
                              (uint8_t*)out.data(), &pos, out.size()) != LZMA_OK)
    throw Error("lzma: compression failed");
  out.resize(pos);
  return out;
}

std::string lzma_decode(std::string_view data, std::string_view what) {
  lzma_stream ls = LZMA_STREAM_INIT;
  if (lzma_auto_decoder(&ls, UINT64_MAX, 0) != LZMA_OK) throw Error("lzma: cannot initialise the decompressor");
  std::string out;
  uint8_t chunk[65536];
  ls.next_in = (const uint8_t*)data.data();
  ls.avail_in = data.size();
  lzma_ret rc;
  do {
    ls.next_out = chunk;
    ls.avail_out = sizeof chunk;
    rc = lzma_code(&ls, ls.avail_in ? LZMA_RUN : LZMA_FINISH);
    if (rc != LZMA_OK && rc != LZMA_STREAM_END) {
      lzma_end(&ls);
      corrupt("lzma", what, "invalid stream");
    }
    out.append((const char*)chunk, sizeof chunk - ls.avail_out);
  } while (rc != LZMA_STREAM_END);
  lzma_end(&ls);
  return out;
}

}  // namespace

std::string blosc_encode(const void* data, size_t nbytes, size_t typesize, const BloscParams& params) {
  if (nbytes > kBloscMaxBytes) {
    throw InvalidInput("blosc cannot encode " + std::to_string(nbytes) + " bytes in one buffer (limit " +
                       std::to_string(kBloscMaxBytes) + ")");
  }
  std::string out(nbytes + BLOSC_MAX_OVERHEAD, '\0');
  int n = blosc_compress_ctx(params.clevel, params.bitshuffle ? BLOSC_BITSHUFFLE : BLOSC_SHUFFLE,
                             typesize > BLOSC_MAX_TYPESIZE ? 1 : typesize, nbytes, data, out.data(), out.size(),
                             params.compressor, 0, blosc_threads(nbytes, params.threads));
  if (n <= 0) throw Error("blosc: compression failed (" + std::to_string(n) + ")");
  out.resize(n);
  return out;
}

BloscInfo blosc_info(std::string_view src, std::string_view what) {
  if (src.size() < BLOSC_MIN_HEADER_LENGTH) corrupt("blosc", what, "shorter than a blosc header");
  size_t nbytes = 0, cbytes = 0, blocksize = 0;
  blosc_cbuffer_sizes(src.data(), &nbytes, &cbytes, &blocksize);
  if (cbytes != src.size()) {
    corrupt("blosc", what, "header says " + std::to_string(cbytes) + " bytes, found " + std::to_string(src.size()));
  }
  size_t check = 0;
  if (blosc_cbuffer_validate(src.data(), src.size(), &check) != 0) corrupt("blosc", what, "invalid header");
  size_t typesize = 0;
  int flags = 0;
  blosc_cbuffer_metainfo(src.data(), &typesize, &flags);
  return {nbytes, cbytes, blocksize, typesize};
}

void blosc_decode(std::string_view src, void* dst, std::string_view what) {
  auto info = blosc_info(src, what);
  int n = blosc_decompress_ctx(src.data(), dst, info.nbytes, blosc_threads(info.nbytes, 0));
  if (n < 0 || size_t(n) != info.nbytes) corrupt("blosc", what, "decompression failed");
}

void blosc_decode_items(std::string_view src, size_t start, size_t count, void* dst, std::string_view what) {
  auto info = blosc_info(src, what);
  size_t ts = info.typesize ? info.typesize : 1;
  if ((start + count) * ts > info.nbytes) corrupt("blosc", what, "item range past the end");
  if (count == 0) return;
  int n = blosc_getitem(src.data(), start, count, dst);
  if (n < 0 || size_t(n) != count * ts) corrupt("blosc", what, "decompression failed");
}

bool is_byte_codec(std::string_view name) {
  return name == "zstd" || name == "lz4" || name == "zlib" || name == "gzip" || name == "bz2" || name == "lzma";
}

std::string byte_encode(std::string_view codec, std::string_view data) {
  if (codec == "zstd") {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), kZstdLevel);
    if (ZSTD_isError(n)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(n));
    out.resize(n);
    return out;
  }
  if (codec == "lz4") {
    if (data.size() > size_t(LZ4_MAX_INPUT_SIZE)) throw InvalidInput("lz4 cannot encode more than 2 GB in one buffer");
    std::string out(4 + LZ4_compressBound(data.size()), '\0');
    uint32_t size = data.size();
    std::memcpy(out.data(), &size, 4);
    int n = LZ4_compress_fast(data.data(), out.data() + 4, data.size(), out.size() - 4, 1);
    if (n <= 0 && !data.empty()) throw Error("lz4: compression failed");
    out.resize(4 + n);
    return out;
  }
  if (codec == "zlib") return zlib_encode(data, 15);
  if (codec == "gzip") return zlib_encode(data, 31);
  if (codec == "bz2") return bz2_encode(data);
  if (codec == "lzma") return lzma_encode(data);
  throw InvalidInput("unknown codec '" + std::string(codec) + "'");
}

std::string byte_decode(std::string_view codec, std::string_view data, std::string_view what) {
  if (codec == "zstd") return zstd_decode(data, what);
  if (codec == "lz4") {
    if (data.size() < 4) corrupt("lz4", what, "shorter than its size header");
    uint32_t size;
    std::memcpy(&size, data.data(), 4);
    std::string out(size, '\0');
    int n = LZ4_decompress_safe(data.data() + 4, out.data(), data.size() - 4, size);
    if (n < 0 || uint32_t(n) != size) corrupt("lz4", what, "invalid block");
    return out;
  }
  if (codec == "zlib") return zlib_decode(data, 15, codec, what);
  if (codec == "gzip") return zlib_decode(data, 47, codec, what);
  if (codec == "bz2") return bz2_decode(data, what);
  if (codec == "lzma") return lzma_decode(data, what);
  throw InvalidInput("unknown codec '" + std::string(codec) + "'");
}

}  // namespace lakota
