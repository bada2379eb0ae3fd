// One text value for every column type: values, bounds, times (UTC and local), and the
// text of the ticks read back. Never a crash, never a signed overflow, only InvalidInput.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "lakota/error.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  static const char* types[] = {"timestamp", "date",  "datetime64[ns]", "datetime64[W]", "datetime64[ms]", "float",
                                "float32",   "int",   "int8",           "uint8",         "uint64",         "bool",
                                "str",       "int32", "datetime64[h]",  "datetime64[us]"};
  for (const char* type : types) {
    DType dt = DType::parse(type);
    try {
      Value v = parse_value(text, dt, "fuzz");
      if (dt.kind == Kind::Time) format_time(std::get<int64_t>(v), dt);
    } catch (const InvalidInput&) {
    }
    for (bool lower : {true, false}) {
      bool inclusive;
      try {
        Value v = parse_bound(text, dt, lower, inclusive, "fuzz");
        if (dt.kind == Kind::Time) format_time(std::get<int64_t>(v), dt);
      } catch (const InvalidInput&) {
      }
    }
  }
  try {
    parse_local_time_ms(text, "fuzz");
  } catch (const InvalidInput&) {
  }
  // The text's first bytes as raw ticks of each unit.
  if (size >= 8) {
    int64_t ticks;
    std::memcpy(&ticks, data, 8);
    for (const char* unit : {"W", "D", "h", "m", "s", "ms", "us", "ns"})
      format_time(ticks, DType::parse(std::string("datetime64[") + unit + "]"));
  }
  return 0;
}
