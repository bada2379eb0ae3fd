// Segment bytes as the read path meets them: blosc headers and bodies of every kind,
// whole and partial decodes, and the string codec chain. Never a crash, only CorruptData.
#include <cstdint>
#include <string_view>

#include "lakota/error.h"
#include "lakota/model/schema.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const ColumnDef defs[] = {ColumnDef::parse("v", "float"), ColumnDef::parse("t", "timestamp"),
                                   ColumnDef::parse("i", "int32"), ColumnDef::parse("s", "str")};
  for (const auto& def : defs) {
    try {
      Column c = decode_column(def, bytes, "fuzz", DecodeCheck{std::nullopt, "0000000000000000000000000000000000000000"});
    } catch (const CorruptData&) {
    }
    if (!partial_decode(def)) continue;
    try {
      size_t n = encoded_length(def, bytes, "fuzz");
      size_t start = size ? data[size - 1] % (n + 1) : 0;
      size_t count = (n - start) / 2;
      Column part = decode_column_range(def, bytes, start, count, "fuzz");
      (void)part;
    } catch (const CorruptData&) {
    }
  }
  return 0;
}
