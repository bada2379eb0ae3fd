#include "lakota/model/time.h"

#include <cstdio>
#include <ctime>

#include "lakota/error.h"

namespace lakota {
namespace {

using i128 = __int128;

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms,
// over 64-bit integers so that any datetime64 value has a date).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = unsigned(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil civil_from_days(i128 z) {
  z += 719468;
  i128 era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = unsigned(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  i128 y = i128(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {int64_t(y + (m <= 2)), m, d};
}

bool leap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

i128 floor_div128(i128 a, i128 b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

[[noreturn]] void bad_time(std::string_view text, const DType& dt, std::string_view where, std::string_view why) {
  std::string msg;
  if (!where.empty()) msg = std::string(where) + ": ";
  msg += "cannot read '" + std::string(text) + "' as " + dt.name() + " (" + std::string(why) + ")";
  throw InvalidInput(msg);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::optional<Instant> parse_instant(std::string_view s, std::string& why, bool* has_zone) {
  auto fail = [&](const char* reason) -> std::optional<Instant> {
    why = reason;
    return std::nullopt;
  };
  if (has_zone) *has_zone = false;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  size_t p = 0;
  bool neg_year = false;
  if (!s.empty() && s[0] == '-') neg_year = true, p = 1;
  size_t ylen = 0;
  while (p + ylen < s.size() && s[p + ylen] >= '0' && s[p + ylen] <= '9') ++ylen;
  if (ylen < 4 || ylen > 6 || !digits(s, p, ylen, y)) return fail("expected a date as YYYY-MM-DD");
  if (neg_year) y = -y;
  p += ylen;
  if (p >= s.size() || s[p] != '-' || !digits(s, p + 1, 2, mo)) return fail("expected a date as YYYY-MM-DD");
  p += 3;
  if (p >= s.size() || s[p] != '-' || !digits(s, p + 1, 2, d)) return fail("expected a date as YYYY-MM-DD");
  p += 3;
  if (mo < 1 || mo > 12 || d < 1 || unsigned(d) > days_in_month(y, unsigned(mo))) return fail("no such date");
  int64_t nanos = 0;
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    ++p;
    if (!digits(s, p, 2, h)) return fail("expected a time as HH:MM[:SS]");
    p += 2;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, mi)) return fail("expected a time as HH:MM[:SS]");
      p += 3;
      if (p < s.size() && s[p] == ':') {
        if (!digits(s, p + 1, 2, sec)) return fail("expected a time as HH:MM[:SS]");
        p += 3;
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
          ++p;
          size_t n = 0;
          int64_t scale = 100000000;
          while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            if (n < 9) nanos += (s[p] - '0') * scale, scale /= 10;
            else if (s[p] != '0') return fail("more precise than nanoseconds");
            ++p, ++n;
          }
          if (n == 0) return fail("expected digits after the decimal point");
        }
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || nanos))) return fail("no such time");
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
        if (has_zone) *has_zone = true;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(s, p + 1, 2, oh)) return fail("expected a zone offset as +HH:MM");
        p += 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size()) {
          if (!digits(s, p, 2, om)) return fail("expected a zone offset as +HH:MM");
          p += 2;
        }
        if (oh > 23 || om > 59) return fail("no such zone offset");
        offset = sign * (oh * 3600 + om * 60);
        if (has_zone) *has_zone = true;
      }
    }
  }
  if (p != s.size()) return fail("unexpected text after the date");
  // Years have at most 6 digits: seconds stay far inside int64.
  int64_t days = days_from_civil(y, unsigned(mo), unsigned(d));
  return Instant{days * 86400 + h * 3600 + mi * 60 + sec - offset, nanos};
}

std::optional<int64_t> instant_to_ticks(const Instant& t, const DType& dt, bool& exact) {
  i128 ticks;
  if (int64_t spt = dt.seconds_per_tick(); spt > 0 && dt.unit != TimeUnit::s) {
    exact = t.nanos == 0 && t.seconds % spt == 0;
    ticks = floor_div(t.seconds, spt);
  } else {
    int64_t tps = dt.ticks_per_second();
    int64_t ns_per_tick = 1000000000 / tps;
    exact = t.nanos % ns_per_tick == 0;
    ticks = i128(t.seconds) * tps + t.nanos / ns_per_tick;
  }
  // The smallest int64 is NaT, not a time.
  if (ticks <= i128(kNaT) || ticks > i128(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return int64_t(ticks);
}

std::optional<Instant> ticks_to_instant(int64_t ticks, const DType& dt) {
  if (int64_t spt = dt.seconds_per_tick(); spt > 0) {
    i128 secs = i128(ticks) * spt;
    if (secs < i128(std::numeric_limits<int64_t>::min()) || secs > i128(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    return Instant{int64_t(secs), 0};
  }
  int64_t tps = dt.ticks_per_second();
  int64_t s = floor_div(ticks, tps);
  return Instant{s, (ticks - s * tps) * (1000000000 / tps)};
}

std::string time_range(const DType& dt) {
  return format_time(kNaT + 1, dt) + " to " + format_time(std::numeric_limits<int64_t>::max(), dt);
}

int64_t parse_time(std::string_view text, const DType& dt, std::string_view where, TimeRounding rounding,
                   bool* rounded) {
  if (rounded) *rounded = false;
  std::string_view s = trim(text);
  if (s == "NaT" || s == "nat") return kNaT;
  std::string why;
  auto t = parse_instant(s, why);
  if (!t) bad_time(text, dt, where, why);
  bool exact;
  auto ticks = instant_to_ticks(*t, dt, exact);
  const std::string outside = "outside the range of " + dt.name() + ": " + time_range(dt);
  if (!ticks) bad_time(text, dt, where, outside);
  if (exact) return *ticks;
  if (rounding == TimeRounding::Exact) bad_time(text, dt, where, "finer than the column's unit");
  if (rounded) *rounded = true;
  if (rounding == TimeRounding::Down) return *ticks;  // instant_to_ticks rounds down
  if (*ticks == std::numeric_limits<int64_t>::max()) bad_time(text, dt, where, outside);
  return *ticks + 1;
}

int64_t parse_local_time_ms(std::string_view text, std::string_view where) {
  const DType ms{Kind::Time, 8, TimeUnit::ms};
  std::string_view s = trim(text);
  std::string why;
  bool has_zone = false;
  auto t = parse_instant(s, why, &has_zone);
  if (!t) bad_time(text, ms, where, why);
  bool exact;
  auto ticks = instant_to_ticks(*t, ms, exact);
  if (!ticks) bad_time(text, ms, where, "outside the range of " + ms.name());
  if (has_zone) return *ticks;
  // A naive time is local: find the UTC instant whose local time it is.
  time_t secs = time_t(t->seconds);
  struct tm tm {};
  if (!gmtime_r(&secs, &tm)) bad_time(text, ms, where, "outside the range of local times");
  tm.tm_isdst = -1;
  time_t local = mktime(&tm);
  if (local == time_t(-1) && secs != time_t(-1)) bad_time(text, ms, where, "outside the range of local times");
  return int64_t(local) * 1000 + (*ticks - floor_div(*ticks, 1000) * 1000);
}

std::string format_time(int64_t ticks, const DType& dt) {
  if (ticks == kNaT) return "NaT";
  i128 secs, sub = 0;
  int sub_digits = 0;
  if (int64_t spt = dt.seconds_per_tick(); spt > 0) {
    secs = i128(ticks) * spt;
  } else {
    int64_t tps = dt.ticks_per_second();
    secs = floor_div(ticks, tps);
    sub = i128(ticks) - secs * tps;
    sub_digits = dt.unit == TimeUnit::ms ? 3 : dt.unit == TimeUnit::us ? 6 : 9;
  }
  i128 days = floor_div128(secs, 86400);
  int64_t rem = int64_t(secs - days * 86400);
  Civil c = civil_from_days(days);
  char buf[96];
  int n = std::snprintf(buf, sizeof buf, c.year >= 0 && c.year <= 9999 ? "%04lld-%02u-%02u" : "%lld-%02u-%02u",
                        (long long)c.year, c.month, c.day);
  std::string out(buf, size_t(n));
  switch (dt.unit) {
    case TimeUnit::W:
    case TimeUnit::D: return out;
    case TimeUnit::h: std::snprintf(buf, sizeof buf, "T%02d", int(rem / 3600)); return out + buf;
    case TimeUnit::m:
      std::snprintf(buf, sizeof buf, "T%02d:%02d", int(rem / 3600), int(rem / 60 % 60));
      return out + buf;
    default: break;
  }
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", int(rem / 3600), int(rem / 60 % 60), int(rem % 60));
  out += buf;
  if (sub_digits) {
    std::snprintf(buf, sizeof buf, ".%0*lld", sub_digits, (long long)sub);
    out += buf;
  }
  return out;
}

}  // namespace lakota
