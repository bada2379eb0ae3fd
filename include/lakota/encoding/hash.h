// Content digests, hashed paths and hextimes: the names of everything Lakota stores.
// Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lakota {

// Lowercase hex of `size` bytes.
std::string to_hex(const void* data, size_t size);
// 40-char lowercase hex sha1 of `data`.
std::string sha1_hex(std::string_view data);
std::string sha1_hex(const void* data, size_t size);

// sha1 of the empty input: the digest of every empty array.
inline constexpr std::string_view kEmptyDigest = "da39a3ee5e6b4b0d3255bfef95601890afd80709";

// "aa/bb/<36 hex>" for a 40-char digest.
std::string hashed_path(std::string_view digest);

// Lowercase hex of milliseconds since the epoch, left-padded to 11 chars.
std::string hextime(int64_t unix_ms);
// Parses an 11-char hextime; throws InvalidInput.
int64_t parse_hextime(std::string_view hex);
// Milliseconds since the epoch, from the system clock.
int64_t now_ms();

bool is_hex_digest(std::string_view s);
// Only lowercase hex digits (an empty string is).
bool is_lower_hex(std::string_view s);

}  // namespace lakota
