// Revision payloads: the msgpack reader, numcodecs' msgpack2 arrays and the commit decoder,
// with the schemas of the compatibility corpus. Never a crash, only CorruptData.
#include <cstdint>
#include <memory>
#include <string_view>

#include "lakota/encoding/msgpack.h"
#include "lakota/error.h"
#include "lakota/model/commit.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const std::shared_ptr<const Schema> schemas[] = {
      std::make_shared<const Schema>(Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}})),
      std::make_shared<const Schema>(Schema::parse({{"id", "int*"}, {"x", "float"}, {"name", "str"}})),
      std::make_shared<const Schema>(Schema::parse({{"a", "str*"}, {"b", "int*"}, {"v", "float"}})),
      std::make_shared<const Schema>(Schema::kv({{"label", "str*"}, {"meta", "O"}})),
  };
  try {
    MsgDoc doc(bytes, "fuzz");
    msg_to_json(doc.root(), "fuzz");
  } catch (const CorruptData&) {
  }
  try {
    msgpack2_decode(bytes, "fuzz");
  } catch (const CorruptData&) {
  }
  for (const auto& schema : schemas) {
    try {
      Commit c = Commit::decode(schema, bytes, "fuzz");
      for (size_t i = 0; i < c.size(); ++i) c.row(i);
      c.labels();
      c.encode();
    } catch (const CorruptData&) {
    }
  }
  return 0;
}
