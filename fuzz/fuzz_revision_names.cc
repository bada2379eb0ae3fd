// Folder listings of a changelog: revision names, the history built from them (log,
// heads, common ancestors), hextimes and `before`. Names that are not revisions are ignored; nothing crashes.
#include <cstdint>
#include <string>
#include <vector>

#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "lakota/history/changelog.h"

using namespace lakota;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> names;
  std::string cur;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') names.push_back(std::move(cur)), cur.clear();
    else cur += char(data[i]);
  }
  names.push_back(cur);
  History h = Changelog::history_of(names);
  for (const auto& rev : h.log()) {
    rev.epoch_ms();
    rev.child_digest();
  }
  auto heads = h.heads();
  h.settled();
  h.common_ancestor(heads);
  if (!heads.empty()) h.find(heads[0].child_digest());
  h.before(size ? int64_t(data[0]) << 36 : 0).settled();
  for (const auto& n : names) {
    try {
      parse_hextime(n);
    } catch (const InvalidInput&) {
    }
  }
  return 0;
}
