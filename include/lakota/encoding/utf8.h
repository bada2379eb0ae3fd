// UTF-8 validity, as Python's decoder sees it: shortest forms only, no surrogates, nothing
// past U+10FFFF. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace lakota {

// Length of the valid UTF-8 sequence that starts `s` (1 to 4), or 0 when it is not one.
size_t utf8_sequence(std::string_view s);
// Position of the first byte that is not valid UTF-8, or npos.
size_t utf8_error(std::string_view s);
inline bool utf8_valid(std::string_view s) { return utf8_error(s) == std::string_view::npos; }

}  // namespace lakota
