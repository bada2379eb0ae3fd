// Byte codecs, with the framing numcodecs gives them, so that the reference reads what we
// write and the other way round. Pure functions over bytes; safe from any thread.
//
//  blosc   c-blosc 1 buffer (16-byte header); Lakota's settings: zstd inside, bit-shuffle
//  zstd    one zstd frame (numcodecs' default level 1 when Lakota 0.7.1 was current)
//  lz4     4-byte little-endian raw size, then one LZ4 block
//  zlib    zlib stream (level 1), gzip: gzip member (level 1), bz2: bzip2 (level 1),
//  lzma    xz container (preset 6, CRC64 check)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <functional>
#include <utility>
#include <vector>

namespace lakota {

struct BloscParams {
  int clevel = 5;
  const char* compressor = "zstd";
  bool bitshuffle = true;
  size_t blocksize = 0;  // bytes; 0: blosc's choice
  int threads = 0;  // 0: chosen from the buffer size
};

// Compresses `nbytes` of elements of `typesize` bytes. Throws InvalidInput when the buffer
// is over blosc's limit (kBloscMaxBytes).
std::string blosc_encode(const void* data, size_t nbytes, size_t typesize, const BloscParams& params = {});
// The same into `dst`, which holds `nbytes + 16` bytes (touched only as far as written):
// returns the encoded size.
size_t blosc_encode_into(const void* data, size_t nbytes, size_t typesize, const BloscParams& params, void* dst);
inline constexpr size_t kBloscMaxBytes = 2147483647 - 16;
// The frame blosc_encode makes, made `chunk` input bytes at a time (a whole number of
// `params.blocksize`, which must be set) through one buffer of that size: each piece goes to
// `sink(offset, bytes)` as soon as it is compressed, to be written while the next one is,
// and the header with the block table, which only the last piece completes, goes last, at
// offset 0. Returns the frame's size, or 0 when the pieces cannot make one frame (blosc
// chose another block size, or stored a piece uncompressed): the caller then encodes the
// array whole. Compression runs on the calling thread (blosc on one thread, blocks in
// order, as blosc_encode with `threads` 1, whose frame this is byte for byte).
size_t blosc_encode_pieces(const void* data, size_t nbytes, size_t typesize, const BloscParams& params, size_t chunk,
                           const std::function<void(uint64_t, std::string_view)>& sink);

struct BloscInfo {
  size_t nbytes;     // decoded size
  size_t cbytes;     // encoded size, header included
  size_t blocksize;  // decoded size of a block
  size_t typesize;
};
// Reads a blosc header and checks every field against the buffer before anything is
// decoded: format version, flags, `typesize` (the element size the caller expects),
// `nbytes` (a whole number of elements), `blocksize`, `cbytes` (the buffer's size) and
// every block offset. Throws CorruptData naming `what`.
BloscInfo blosc_info(std::string_view src, size_t typesize, std::string_view what);
// Decodes a whole buffer into `dst`, which holds `info.nbytes` bytes (`info` is
// blosc_info of `src`).
void blosc_decode(std::string_view src, const BloscInfo& info, void* dst, std::string_view what);
// Decodes elements [start, start + count) only, touching only the blocks they lie in.
void blosc_decode_items(std::string_view src, const BloscInfo& info, size_t start, size_t count, void* dst,
                        std::string_view what);

// For reading a blosc buffer piecewise: the bytes of the header and block table that a
// buffer starting with `header` (its first 16 bytes) claims, and the byte range of block
// `block` (validated by blosc_info, whose `src` must hold the table).
size_t blosc_table_end(std::string_view header);
// Where each block's bytes start (a block ends where the next stored one starts: blocks are
// stored one after the other, not always in order).
std::vector<size_t> blosc_block_starts(std::string_view src, const BloscInfo& info);

// The general-purpose compressors above, by numcodecs name.
bool is_byte_codec(std::string_view name);

// numcodecs' VLenUTF8: a uint32 count, then per string a uint32 byte length and its UTF-8
// bytes (little-endian). Strings [begin, end) of `values`.
std::string vlen_utf8_encode(const std::vector<std::string>& values, size_t begin, size_t end);
// Throws CorruptData naming `what` for truncated data or text that is not UTF-8.
std::vector<std::string> vlen_utf8_decode(std::string_view data, std::string_view what);
std::string byte_encode(std::string_view codec, std::string_view data);
// Decodes bytes of one codec. Memory is bounded by what the input can justify: a size
// that a header declares is trusted only up to the codec's largest compression ratio, and
// no output grows past `max_size` (the decoded size the caller knows, when it knows one).
std::string byte_decode(std::string_view codec, std::string_view data, std::string_view what,
                        size_t max_size = SIZE_MAX);

}  // namespace lakota
