#include "lakota/error.h"

#include <cstdio>

#include "lakota/encoding/utf8.h"

namespace lakota {

std::string escape_message(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  auto hex = [&](unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  };
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x20 || c == 0x7f) {
      hex(c);
      ++i;
      continue;
    }
    if (c < 0x80) {
      out += char(c);
      ++i;
      continue;
    }
    // A whole, shortest-form UTF-8 sequence passes; anything else is escaped byte by byte.
    size_t len = utf8_sequence(std::string_view(text).substr(i));
    if (!len) {
      hex(c);
      ++i;
      continue;
    }
    out.append(text, i, len);
    i += len;
  }
  return out;
}

}  // namespace lakota
