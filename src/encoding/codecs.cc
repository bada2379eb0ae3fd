#include "lakota/encoding/codecs.h"
#include "lakota/encoding/utf8.h"

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

// One zstd context per thread, kept: creating one costs more than compressing a small field.
ZSTD_CCtx* thread_zstd_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> ctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

ZSTD_DCtx* thread_zstd_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) throw std::bad_alloc();
  return ctx.get();
}

[[noreturn]] void corrupt(std::string_view codec, std::string_view what, std::string_view why) {
  throw CorruptData(std::string(what) + ": cannot decode " + std::string(codec) + " data (" + std::string(why) + ")");
}

int blosc_threads(size_t nbytes, int requested) {
  if (requested > 0) return requested;
  return nbytes >= (1u << 20) ? 2 : 1;
}

// The largest output a codec can produce per input byte: a declared size beyond it is a lie.
// zstd: a 4-byte RLE block stands for at most 128 KiB; lz4: a match byte for at most 255.
constexpr size_t kZstdMaxRatio = 32768;
constexpr size_t kLz4MaxRatio = 256;
// lzma's decoder dictionary: the reference writes preset 6 (8 MiB); refuse what a hostile
// header could ask beyond this.
constexpr uint64_t kLzmaMemLimit = uint64_t(256) << 20;

size_t mul_or_max(size_t a, size_t b) { return b && a > SIZE_MAX / b ? SIZE_MAX : a * b; }

// Appends to `out` and fails once it passes `max_size`.
void append_bounded(std::string& out, const char* data, size_t n, size_t max_size, std::string_view codec,
                    std::string_view what) {
  if (n > max_size - std::min(max_size, out.size()) || out.size() > max_size) {
    corrupt(codec, what, "decodes to more than the " + std::to_string(max_size) + " bytes expected");
  }
  out.append(data, n);
}

std::string zstd_decode(std::string_view data, std::string_view what, size_t max_size) {
  unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
  if (size == ZSTD_CONTENTSIZE_ERROR) corrupt("zstd", what, "not a zstd frame");
  if (size != ZSTD_CONTENTSIZE_UNKNOWN && ZSTD_findFrameCompressedSize(data.data(), data.size()) == data.size()) {
    if (size > max_size) corrupt("zstd", what, "declares " + std::to_string(size) + " bytes, more than expected");
    if (size > mul_or_max(data.size(), kZstdMaxRatio)) {
      corrupt("zstd", what, "declares " + std::to_string(size) + " bytes, more than " +
                                std::to_string(data.size()) + " bytes can hold");
    }
    // Decoded into memory that is not touched before it is written: a size that lies costs
    // address space, not memory, and is caught by the decoder.
    std::unique_ptr<char[]> raw(new char[size ? size : 1]);
    size_t n = ZSTD_decompressDCtx(thread_zstd_dctx(), raw.get(), size, data.data(), data.size());
    if (ZSTD_isError(n) || n != size) corrupt("zstd", what, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
    return std::string(raw.get(), size);
  }
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream*)> stream(ZSTD_createDStream(), ZSTD_freeDStream);
  if (!stream) throw std::bad_alloc();
  ZSTD_initDStream(stream.get());
  std::string out;
  std::string chunk(ZSTD_DStreamOutSize(), '\0');
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t ret = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    ret = ZSTD_decompressStream(stream.get(), &o, &in);
    if (ZSTD_isError(ret)) corrupt("zstd", what, ZSTD_getErrorName(ret));
    append_bounded(out, chunk.data(), o.pos, max_size, "zstd", what);
    if (o.pos == 0 && ret != 0 && in.pos == in.size) break;
  }
  // Output the decoder still holds once the input is consumed.
  while (ret != 0) {
    ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
    ret = ZSTD_decompressStream(stream.get(), &o, &in);
    if (ZSTD_isError(ret)) corrupt("zstd", what, ZSTD_getErrorName(ret));
    if (o.pos == 0) break;
    append_bounded(out, chunk.data(), o.pos, max_size, "zstd", what);
  }
  if (ret != 0) corrupt("zstd", what, "truncated frame");
  return out;
}

std::string lz4_decode(std::string_view data, std::string_view what, size_t max_size) {
  if (data.size() < 4) corrupt("lz4", what, "shorter than its size header");
  uint32_t size;
  std::memcpy(&size, data.data(), 4);
  if (size > max_size) corrupt("lz4", what, "declares " + std::to_string(size) + " bytes, more than expected");
  if (size > mul_or_max(data.size() - 4, kLz4MaxRatio) + 16) {
    corrupt("lz4", what, "declares " + std::to_string(size) + " bytes, more than " + std::to_string(data.size()) +
                             " bytes can hold");
  }
  if (data.size() - 4 > size_t(LZ4_MAX_INPUT_SIZE)) corrupt("lz4", what, "block larger than lz4 allows");
  std::unique_ptr<char[]> raw(new char[size ? size : 1]);  // untouched until written, as for zstd
  int n = LZ4_decompress_safe(data.data() + 4, raw.get(), int(data.size() - 4), int(size));
  if (n < 0 || uint32_t(n) != size) corrupt("lz4", what, "invalid block");
  return std::string(raw.get(), size);
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

std::string zlib_decode(std::string_view data, int window_bits, std::string_view codec, std::string_view what,
                        size_t max_size) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) throw Error("zlib: cannot initialise the decompressor");
  std::string out;
  char chunk[65536];
  if (data.size() > UINT32_MAX) {
    inflateEnd(&zs);
    corrupt(codec, what, "stream larger than 4 GB");
  }
  zs.next_in = (Bytef*)data.data();
  zs.avail_in = uInt(data.size());
  int rc;
  do {
    zs.next_out = (Bytef*)chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      corrupt(codec, what, zs.msg ? zs.msg : "invalid stream");
    }
    try {
      append_bounded(out, chunk, sizeof chunk - zs.avail_out, max_size, codec, what);
    } catch (...) {
      inflateEnd(&zs);
      throw;
    }
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

std::string bz2_decode(std::string_view data, std::string_view what, size_t max_size) {
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) throw Error("bz2: cannot initialise the decompressor");
  std::string out;
  char chunk[65536];
  if (data.size() > UINT32_MAX) {
    BZ2_bzDecompressEnd(&bs);
    corrupt("bz2", what, "stream larger than 4 GB");
  }
  bs.next_in = const_cast<char*>(data.data());
  bs.avail_in = unsigned(data.size());
  int rc;
  do {
    bs.next_out = chunk;
    bs.avail_out = sizeof chunk;
    rc = BZ2_bzDecompress(&bs);
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
      BZ2_bzDecompressEnd(&bs);
      corrupt("bz2", what, "invalid stream");
    }
    try {
      append_bounded(out, chunk, sizeof chunk - bs.avail_out, max_size, "bz2", what);
    } catch (...) {
      BZ2_bzDecompressEnd(&bs);
      throw;
    }
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

std::string lzma_decode(std::string_view data, std::string_view what, size_t max_size) {
  lzma_stream ls = LZMA_STREAM_INIT;
  if (lzma_auto_decoder(&ls, kLzmaMemLimit, 0) != LZMA_OK) throw Error("lzma: cannot initialise the decompressor");
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
      corrupt("lzma", what, rc == LZMA_MEMLIMIT_ERROR ? "asks for more memory than an lzma stream may" : "invalid stream");
    }
    try {
      append_bounded(out, (const char*)chunk, sizeof chunk - ls.avail_out, max_size, "lzma", what);
    } catch (...) {
      lzma_end(&ls);
      throw;
    }

  } while (rc != LZMA_STREAM_END);
  lzma_end(&ls);
  return out;
}

}  // namespace

namespace {

// blosc_compress_ctx into `dst` of `room` bytes, after the checks that name bad settings.
size_t blosc_compress_checked(const void* data, size_t nbytes, size_t typesize, const BloscParams& params, void* dst,
                              size_t room) {
  if (nbytes > kBloscMaxBytes) {
    throw InvalidInput("blosc cannot encode " + std::to_string(nbytes) + " bytes in one buffer (limit " +
                       std::to_string(kBloscMaxBytes) + ")");
  }
  if (blosc_compname_to_compcode(params.compressor) < 0) {
    throw InvalidInput(std::string("unknown blosc compressor '") + params.compressor +
                       "' (blosc has blosclz, lz4, lz4hc, zlib and zstd)");
  }
  if (params.clevel < 0 || params.clevel > 9)
    throw InvalidInput("blosc level " + std::to_string(params.clevel) + " is not between 0 and 9");
  if (params.blocksize > size_t(BLOSC_MAX_BLOCKSIZE))
    throw InvalidInput("blosc block size " + std::to_string(params.blocksize) + " is over blosc's limit (" +
                       std::to_string(BLOSC_MAX_BLOCKSIZE) + ")");
  int n = blosc_compress_ctx(params.clevel, params.bitshuffle ? BLOSC_BITSHUFFLE : BLOSC_SHUFFLE,
                             typesize > BLOSC_MAX_TYPESIZE ? 1 : typesize, nbytes, data, dst, room,
                             params.compressor, params.blocksize, blosc_threads(nbytes, params.threads));
  if (n <= 0) throw Error("blosc: compression failed (" + std::to_string(n) + ")");
  return size_t(n);
}

}  // namespace

size_t blosc_encode_into(const void* data, size_t nbytes, size_t typesize, const BloscParams& params, void* dst) {
  return blosc_compress_checked(data, nbytes, typesize, params, dst, nbytes + BLOSC_MAX_OVERHEAD);
}

size_t blosc_encode_pieces(const void* data, size_t nbytes, size_t typesize, const BloscParams& params, size_t chunk,
                           const std::function<void(uint64_t, std::string_view)>& sink) {
  const size_t block = params.blocksize;
  if (block == 0 || chunk == 0 || chunk % block) throw InvalidInput("blosc pieces need a block size that divides the piece");
  if (nbytes > kBloscMaxBytes) return 0;  // blosc_encode says why
  const size_t nblocks = (nbytes + block - 1) / block;
  const size_t table = BLOSC_MIN_HEADER_LENGTH + 4 * nblocks;  // header and block starts
  auto u32 = [](const char* at) {
    uint32_t v;
    std::memcpy(&v, at, 4);
    return size_t(v);
  };
  BloscParams one = params;
  one.threads = 1;
  // A tail shorter than a block joins the last piece: in the frame it is the "leftover"
  // block, which blosc compresses as one stream where codecs that split blocks (lz4,
  // blosclz) would split a piece of its own into streams.
  const size_t longest = std::min(nbytes, chunk + block - 1);
  // Room for every block of a piece stored as it is (each stream with its size before
  // it): blosc then never stores a piece whole as it is, where the frame would store its
  // blocks so.
  const size_t room = longest + BLOSC_MAX_OVERHEAD + (4 * BLOSC_MAX_TYPESIZE + 4) * (longest / block + 1) + 64;
  std::unique_ptr<char[]> scratch(new char[room]);  // not zero-filled
  char* piece = scratch.get();
  std::string head(table, '\0');  // the first piece's header, the frame's block starts
  size_t at = table;                // where the next piece's blocks go in the frame
  for (size_t begin = 0, b = 0, n; begin < nbytes; begin += n) {
    n = nbytes - begin < chunk + block ? nbytes - begin : chunk;
    size_t size = blosc_compress_checked(static_cast<const char*>(data) + begin, n, typesize, one, piece, room);
    size_t blocks = (n + block - 1) / block, own = BLOSC_MIN_HEADER_LENGTH + 4 * blocks;
    // Every piece must be blocks of the frame: the same header flags and block size (an
    // array shorter than a block is one block of its own size), and compressed (a piece
    // stored as it is has no block table).
    if (size < own || u32(piece + 8) != std::min(n, block) || (uint8_t(piece[2]) & BLOSC_MEMCPYED)) return 0;
    if (begin == 0) std::memcpy(head.data(), piece, BLOSC_MIN_HEADER_LENGTH);
    else if (std::memcmp(head.data(), piece, 4) != 0) return 0;
    for (size_t k = 0; k < blocks; ++k, ++b) {
      size_t start = u32(piece + BLOSC_MIN_HEADER_LENGTH + 4 * k);
      if (start < own || start > size) return 0;
      size_t moved = at + start - own;
      // blosc_encode's whole frame has room for nbytes + 16 bytes, and compresses a block
      // into what is left of it. A block whose compressed size (after its 4-byte size, one
      // per stream) would not fit is stored as it is if that fits, else the whole frame
      // is. The piece had room for all: its block is the frame's only when it fits too.
      // Blocks of one stream (flag 0x10, blosc's "not split") say their compressed size
      // first; split ones (a stream per byte of the type) are not looked into.
      bool one_stream = uint8_t(piece[2]) & 0x10;
      size_t length = std::min(block, nbytes - b * block), limit = nbytes + BLOSC_MAX_OVERHEAD;
      size_t prefixes = one_stream ? 4 : 4 * std::max<size_t>(uint8_t(piece[3]), 1);
      if (moved + prefixes + length > limit) {
        if (!one_stream || start + 4 > size) return 0;
        size_t compressed = u32(piece + start);
        if (compressed >= length || moved + 4 + compressed > limit) return 0;
      }
      uint32_t start32 = uint32_t(moved);
      std::memcpy(head.data() + BLOSC_MIN_HEADER_LENGTH + 4 * b, &start32, 4);
    }
    sink(at, std::string_view(piece + own, size - own));
    at += size - own;
    // Pieces that do not compress: the frame would be the array as it is (memcpyed). Say so
    // early, before compressing the rest for nothing.
    if (at > table + begin + n || at > kBloscMaxBytes) return 0;
  }
  uint32_t total = uint32_t(nbytes), cbytes = uint32_t(at);
  std::memcpy(head.data() + 4, &total, 4);
  std::memcpy(head.data() + 12, &cbytes, 4);
  sink(0, head);
  return at;
}

std::string blosc_encode(const void* data, size_t nbytes, size_t typesize, const BloscParams& params) {
  std::string out(nbytes + BLOSC_MAX_OVERHEAD, '\0');
  out.resize(blosc_encode_into(data, nbytes, typesize, params, out.data()));
  return out;
}

BloscInfo blosc_info(std::string_view src, size_t typesize, std::string_view what) {
  if (src.size() < BLOSC_MIN_HEADER_LENGTH) corrupt("blosc", what, "shorter than a blosc header");
  auto u8 = [&](size_t at) { return uint8_t(src[at]); };
  auto u32 = [&](size_t at) {
    uint32_t v;
    std::memcpy(&v, src.data() + at, 4);
    return size_t(v);
  };
  uint8_t version = u8(0), flags = u8(2);
  BloscInfo info{u32(4), u32(12), u32(8), u8(3)};
  if (version != BLOSC_VERSION_FORMAT) corrupt("blosc", what, "unknown format version " + std::to_string(version));
  if (flags & 0x08) corrupt("blosc", what, "unknown flags");
  if (info.cbytes != src.size()) {
    corrupt("blosc", what, "header says " + std::to_string(info.cbytes) + " bytes, found " + std::to_string(src.size()));
  }
  if (info.typesize != typesize) {
    corrupt("blosc", what, "elements of " + std::to_string(info.typesize) + " bytes, expected " + std::to_string(typesize));
  }
  if (info.nbytes > kBloscMaxBytes) corrupt("blosc", what, "decoded size past blosc's limit");
  if (info.nbytes % typesize) {
    corrupt("blosc", what, std::to_string(info.nbytes) + " bytes is not a whole number of " + std::to_string(typesize) +
                               "-byte elements");
  }
  if (info.nbytes == 0) {
    if (info.cbytes != BLOSC_MIN_HEADER_LENGTH) corrupt("blosc", what, "empty buffer with a body");
    return info;
  }
  if (info.blocksize == 0 || info.blocksize > info.nbytes || info.blocksize > size_t(BLOSC_MAX_BLOCKSIZE) ||
      info.blocksize % typesize) {
    corrupt("blosc", what, "invalid block size " + std::to_string(info.blocksize));
  }
  if (flags & BLOSC_MEMCPYED) {
    if (info.cbytes != info.nbytes + BLOSC_MAX_OVERHEAD) corrupt("blosc", what, "stored size does not match");
    return info;
  }
  // No codec inside blosc decodes more than zstd's ratio.
  if (info.nbytes / kZstdMaxRatio > info.cbytes) {
    corrupt("blosc", what, "declares " + std::to_string(info.nbytes) + " bytes, more than " +
                               std::to_string(info.cbytes) + " bytes can hold");
  }
  size_t nblocks = (info.nbytes + info.blocksize - 1) / info.blocksize;
  size_t body = BLOSC_MAX_OVERHEAD + 4 * nblocks;
  if (body > info.cbytes) corrupt("blosc", what, "block table past the end");
  for (size_t k = 0; k < nblocks; ++k) {
    size_t start = u32(BLOSC_MAX_OVERHEAD + 4 * k);
    if (start < body || start + 4 > info.cbytes) {
      corrupt("blosc", what, "block " + std::to_string(k) + " starts outside the buffer");
    }
  }
  return info;
}

void blosc_decode(std::string_view src, const BloscInfo& info, void* dst, std::string_view what) {
  if (info.nbytes == 0) return;
  int n = blosc_decompress_ctx(src.data(), dst, info.nbytes, blosc_threads(info.nbytes, 0));
  if (n < 0 || size_t(n) != info.nbytes) corrupt("blosc", what, "decompression failed");
}

void blosc_decode_items(std::string_view src, const BloscInfo& info, size_t start, size_t count, void* dst,
                        std::string_view what) {
  if (start > info.nbytes / info.typesize || count > info.nbytes / info.typesize - start) {
    corrupt("blosc", what, "item range past the end");
  }
  if (count == 0) return;
  int n = blosc_getitem(src.data(), int(start), int(count), dst);
  if (n < 0 || size_t(n) != count * info.typesize) corrupt("blosc", what, "decompression failed");
}

size_t blosc_table_end(std::string_view header) {
  if (header.size() < BLOSC_MIN_HEADER_LENGTH) return BLOSC_MIN_HEADER_LENGTH;
  uint32_t nbytes, blocksize;
  std::memcpy(&nbytes, header.data() + 4, 4);
  std::memcpy(&blocksize, header.data() + 8, 4);
  if ((uint8_t(header[2]) & BLOSC_MEMCPYED) || nbytes == 0 || blocksize == 0) return BLOSC_MIN_HEADER_LENGTH;
  return BLOSC_MAX_OVERHEAD + 4 * ((size_t(nbytes) + blocksize - 1) / blocksize);
}

std::vector<size_t> blosc_block_starts(std::string_view src, const BloscInfo& info) {
  size_t nblocks = info.nbytes ? (info.nbytes + info.blocksize - 1) / info.blocksize : 0;
  std::vector<size_t> out(nblocks);
  bool memcpyed = uint8_t(src[2]) & BLOSC_MEMCPYED;
  for (size_t k = 0; k < nblocks; ++k) {
    if (memcpyed) {
      out[k] = BLOSC_MAX_OVERHEAD + k * info.blocksize;
    } else {
      uint32_t v;
      std::memcpy(&v, src.data() + BLOSC_MAX_OVERHEAD + 4 * k, 4);
      out[k] = v;
    }
  }
  return out;
}

bool is_byte_codec(std::string_view name) {
  return name == "zstd" || name == "lz4" || name == "zlib" || name == "gzip" || name == "bz2" || name == "lzma";
}

std::string byte_encode(std::string_view codec, std::string_view data) {
  if (codec == "zstd") {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    // The same frame as ZSTD_compress, without a new context (and its tables) per call:
    // commits encode many small fields.
    size_t n = ZSTD_compressCCtx(thread_zstd_cctx(), out.data(), out.size(), data.data(), data.size(), kZstdLevel);
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

std::string byte_decode(std::string_view codec, std::string_view data, std::string_view what, size_t max_size) {
  if (codec == "zstd") return zstd_decode(data, what, max_size);
  if (codec == "lz4") return lz4_decode(data, what, max_size);
  if (codec == "zlib") return zlib_decode(data, 15, codec, what, max_size);
  if (codec == "gzip") return zlib_decode(data, 47, codec, what, max_size);
  if (codec == "bz2") return bz2_decode(data, what, max_size);
  if (codec == "lzma") return lzma_decode(data, what, max_size);
  throw InvalidInput("unknown codec '" + std::string(codec) + "'");
}

std::string vlen_utf8_encode(const std::vector<std::string>& values, size_t begin, size_t end) {
  auto put = [](std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out += char((v >> (8 * i)) & 0xFF);
  };
  std::string out;
  size_t total = 4;
  for (size_t i = begin; i < end; ++i) total += 4 + values[i].size();
  out.reserve(total);
  put(out, uint32_t(end - begin));
  for (size_t i = begin; i < end; ++i) {
    if (values[i].size() > UINT32_MAX) throw InvalidInput("vlen-utf8: a string of more than 4 GiB");
    put(out, uint32_t(values[i].size()));
    out += values[i];
  }
  return out;
}

std::vector<std::string> vlen_utf8_decode(std::string_view data, std::string_view what) {
  size_t pos = 0;
  auto get = [&]() -> uint32_t {
    if (data.size() - pos < 4) corrupt("vlen-utf8", what, "truncated");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(static_cast<unsigned char>(data[pos + i])) << (8 * i);
    pos += 4;
    return v;
  };
  uint32_t n = get();
  // Every item takes at least its 4-byte length: a count the data cannot hold is corrupt
  // (and never a huge allocation).
  if (n > (data.size() - pos) / 4) corrupt("vlen-utf8", what, "declares more items than the data holds");
  std::vector<std::string> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t len = get();
    if (data.size() - pos < len) corrupt("vlen-utf8", what, "truncated");
    std::string_view s = data.substr(pos, len);
    if (!utf8_valid(s)) corrupt("vlen-utf8", what, "item " + std::to_string(i + 1) + " is not UTF-8");
    out.emplace_back(s);
    pos += len;
  }
  if (pos != data.size()) corrupt("vlen-utf8", what, "trailing bytes");
  return out;
}

}  // namespace lakota
