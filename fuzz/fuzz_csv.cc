// CSV from users, read into a checked frame of several column types. Never a crash, only
// InvalidInput naming the line.
#include <cstdint>
#include <sstream>
#include <string>

#include "lakota/error.h"
#include "lakota/text/csv_frame.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Schema schemas[] = {
      Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}),
      Schema::parse({{"id", "int*"}, {"x", "float32"}, {"name", "str"}, {"flag", "bool"}, {"n", "uint8"}}),
      Schema::parse({{"a", "str*"}, {"b", "datetime64[ns]*"}, {"v", "int16"}}),
  };
  for (const auto& schema : schemas) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
      Frame f = text::read_csv_frame(in, schema, "fuzz");
      check_sorted(schema, f, "fuzz");
    } catch (const InvalidInput&) {
    }
  }
  return 0;
}
