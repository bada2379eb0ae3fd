#include "lakota/encoding/hash.h"

#include <openssl/sha.h>

#include <array>
#include <chrono>
#include <cstdio>

#include "lakota/error.h"

namespace lakota {

std::string to_hex(const void* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  auto p = static_cast<const unsigned char*>(data);
  std::string out(2 * size, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string sha1_hex(const void* data, size_t size) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(static_cast<const unsigned char*>(data), size, md);
  return to_hex(md, sizeof md);
}

std::string sha1_hex(std::string_view data) { return sha1_hex(data.data(), data.size()); }

std::string hashed_path(std::string_view digest) {
  if (digest.size() <= 4) throw InvalidInput("digest '" + std::string(digest) + "' is too short");
  std::string out;
  out.reserve(digest.size() + 2);
  out.append(digest.substr(0, 2)).append("/").append(digest.substr(2, 2)).append("/").append(digest.substr(4));
  return out;
}

std::string hextime(int64_t unix_ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%011llx", (unsigned long long)unix_ms);
  return buf;
}

int64_t parse_hextime(std::string_view hex) {
  if (hex.size() != 11) throw InvalidInput("invalid hextime '" + std::string(hex) + "' (expected 11 hex digits)");
  int64_t v = 0;
  for (char c : hex) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else throw InvalidInput("invalid hextime '" + std::string(hex) + "'");
    v = v * 16 + d;
  }
  return v;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool is_lower_hex(std::string_view s) {
  static constexpr auto kHex = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[size_t(c)] = true;
    for (int c = 'a'; c <= 'f'; ++c) t[size_t(c)] = true;
    return t;
  }();
  bool ok = true;  // no early exit: names are nearly always valid, and the loop vectorizes
  for (char c : s) ok &= kHex[static_cast<unsigned char>(c)];
  return ok;
}

bool is_hex_digest(std::string_view s) { return s.size() == 40 && is_lower_hex(s); }

}  // namespace lakota
