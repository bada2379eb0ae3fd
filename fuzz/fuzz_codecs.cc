// The numcodecs byte codecs (zstd, lz4, zlib, gzip, bz2, lzma): bounded memory, never a
// crash, only CorruptData.
#include <cstdint>
#include <string_view>

#include "lakota/encoding/codecs.h"
#include "lakota/error.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const char* codecs[] = {"zstd", "lz4", "zlib", "gzip", "bz2", "lzma"};
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* codec = codecs[data[0] % 6];
  try {
    // Bounded as a read of a known-length array is, and unbounded as a string array is.
    byte_decode(codec, bytes, "fuzz", size_t(1) << 20);
    byte_decode(codec, bytes, "fuzz");
  } catch (const CorruptData&) {
  }
  return 0;
}
