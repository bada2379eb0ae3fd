// Times: ISO-8601 text to ticks of a datetime64 unit and back, with numpy's ranges, and
// the local-time reading of a naive time. Every conversion checks its range: a time a unit
// cannot hold is an error, never a wrapped value, and formatting never overflows.
// Pure functions, safe from any thread (local time reads the process's time zone).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "lakota/model/dtype.h"

namespace lakota {

// numpy's NaT: the smallest int64, in every unit.
inline constexpr int64_t kNaT = std::numeric_limits<int64_t>::min();

// An instant: seconds since the epoch and nanoseconds within the second.
struct Instant {
  int64_t seconds = 0;
  int64_t nanos = 0;
};

// Parses YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:MM]]; years may have 4 to 6 digits and
// a sign. On failure returns nullopt and says why; `has_zone` tells whether a zone was given.
std::optional<Instant> parse_instant(std::string_view text, std::string& why, bool* has_zone = nullptr);

// Ticks of a time unit for an instant, rounded down; nullopt when the unit cannot hold it
// (past int64, or NaT). `exact` tells whether no precision was lost.
std::optional<int64_t> instant_to_ticks(const Instant& t, const DType& dt, bool& exact);
// The instant of `ticks` (not NaT); nullopt when it is past the range of an Instant.
std::optional<Instant> ticks_to_instant(int64_t ticks, const DType& dt);

// What parse_time does with a time finer than the unit: refuse it, or round it down or up
// to a tick of the unit (as a range bound does, towards the inside of the range).
enum class TimeRounding { Exact, Down, Up };

// Text to ticks of `dt` ("NaT" reads as kNaT). Errors name `where` (such as "row 3, column
// 'timestamp'") and the value: not a time, finer than the unit (when `rounding` is Exact),
// outside the unit's range. `rounded` tells whether rounding happened.
int64_t parse_time(std::string_view text, const DType& dt, std::string_view where,
                   TimeRounding rounding = TimeRounding::Exact, bool* rounded = nullptr);
// The same for a time that may lack a zone: without one it is local time, as the reference
// reads `--before`. Milliseconds since the epoch.
int64_t parse_local_time_ms(std::string_view text, std::string_view where);

// Ticks to text as numpy prints them ("2020-06-22T00:00:00", "2020-06-22" for days, "NaT").
std::string format_time(int64_t ticks, const DType& dt);

// The text of the smallest and largest times a unit holds ("1677-09-21T00:12:43.145224193").
std::string time_range(const DType& dt);

int64_t floor_div(int64_t a, int64_t b);

}  // namespace lakota
