#include "lakota/model/frame.h"

#include <date/date.h>

#include <charconv>
#include <climits>
#include <cmath>
#include <limits>

#include "lakota/error.h"

namespace lakota {

Frame::Frame(std::vector<std::string> names, std::vector<Column> columns)
    : names_(std::move(names)), columns_(std::move(columns)) {
  if (names_.size() != columns_.size()) throw InvalidInput("a frame needs one name per column");
  for (size_t i = 1; i < columns_.size(); ++i) {
    if (columns_[i].size() != columns_[0].size()) {
      throw InvalidInput("column '" + names_[i] + "' has " + std::to_string(columns_[i].size()) + " values, column '" +
                         names_[0] + "' has " + std::to_string(columns_[0].size()));
    }
  }
}

const Column* Frame::find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return &columns_[i];
  return nullptr;
}

const Column& Frame::operator[](std::string_view name) const {
  if (auto* c = find(name)) return *c;
  throw InvalidInput("frame has no column '" + std::string(name) + "'");
}

Frame Frame::slice(size_t begin, size_t end) const {
  std::vector<Column> cols;
  for (const auto& c : columns_) cols.push_back(c.slice(begin, end));
  return Frame(names_, std::move(cols));
}

Frame Frame::concat(const std::vector<Frame>& parts) {
  if (parts.empty()) return Frame();
  if (parts.size() == 1) return parts[0];
  std::vector<Column> cols;
  for (size_t k = 0; k < parts[0].columns_.size(); ++k) {
    std::vector<Column> pieces;
    for (const auto& p : parts) pieces.push_back(p.columns_.at(k));
    cols.push_back(Column::concat(pieces));
  }
  return Frame(parts[0].names_, std::move(cols));
}

bool Frame::equals(const Frame& other) const {
  if (names_ != other.names_) return false;
  for (size_t k = 0; k < columns_.size(); ++k)
    if (!columns_[k].equals(other.columns_[k])) return false;
  return true;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad_value(std::string_view text, const DType& dt, std::string_view where, std::string_view why = "") {
  std::string msg;
  if (!where.empty()) msg = std::string(where) + ": ";
  msg += "cannot read '" + std::string(text) + "' as " + dt.name();
  if (!why.empty()) msg += " (" + std::string(why) + ")";
  throw InvalidInput(msg);
}

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Seconds since the epoch and nanoseconds, from ISO-8601 text.
struct Instant {
  int64_t seconds;
  int64_t nanos;
};

bool parse_instant(std::string_view s, Instant& out, std::string& why) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  size_t p = 0;
  bool neg_year = false;
  if (!s.empty() && s[0] == '-') neg_year = true, p = 1;
  size_t ylen = 0;
  while (p + ylen < s.size() && s[p + ylen] >= '0' && s[p + ylen] <= '9') ++ylen;
  if (ylen < 4 || ylen > 6 || !digits(s, p, ylen, y)) return why = "expected a date as YYYY-MM-DD", false;
  if (neg_year) y = -y;
  p += ylen;
  if (p >= s.size() || s[p] != '-' || !digits(s, p + 1, 2, mo)) return why = "expected a date as YYYY-MM-DD", false;
  p += 3;
  if (p >= s.size() || s[p] != '-' || !digits(s, p + 1, 2, d)) return why = "expected a date as YYYY-MM-DD", false;
  p += 3;
  auto ymd = date::year{y} / date::month{unsigned(mo)} / date::day{unsigned(d)};
  if (!ymd.ok()) return why = "no such date", false;
  int64_t nanos = 0;
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
    ++p;
    if (!digits(s, p, 2, h)) return why = "expected a time as HH:MM[:SS]", false;
    p += 2;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, mi)) return why = "expected a time as HH:MM[:SS]", false;
      p += 3;
      if (p < s.size() && s[p] == ':') {
        if (!digits(s, p + 1, 2, sec)) return why = "expected a time as HH:MM[:SS]", false;
        p += 3;
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
          ++p;
          size_t n = 0;
          int64_t scale = 100000000;
          while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            if (n < 9) nanos += (s[p] - '0') * scale, scale /= 10;
            else if (s[p] != '0') return why = "more precise than nanoseconds", false;
            ++p, ++n;
          }
          if (n == 0) return why = "expected digits after the decimal point", false;
        }
      }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec || nanos))) return why = "no such time", false;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(s, p + 1, 2, oh)) return why = "expected a zone offset as +HH:MM", false;
        p += 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size()) {
          if (!digits(s, p, 2, om)) return why = "expected a zone offset as +HH:MM", false;
          p += 2;
        }
        offset = sign * (oh * 3600 + om * 60);
      }
    }
  }
  if (p != s.size()) return why = "unexpected text after the date", false;
  int64_t days = date::sys_days(ymd).time_since_epoch().count();
  out.seconds = days * 86400 + h * 3600 + mi * 60 + sec - offset;
  out.nanos = nanos;
  return true;
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Ticks of `dt` for an instant; `exact` tells whether no precision was lost (floor).
int64_t to_ticks(const Instant& t, const DType& dt, bool& exact) {
  if (int64_t spt = dt.seconds_per_tick(); spt > 0 && dt.unit != TimeUnit::s) {
    exact = t.nanos == 0 && t.seconds % spt == 0;
    return floor_div(t.seconds, spt);
  }
  int64_t tps = dt.ticks_per_second();
  int64_t ns_per_tick = 1000000000 / tps;
  exact = t.nanos % ns_per_tick == 0;
  return t.seconds * tps + t.nanos / ns_per_tick;
}

template <class T>
T parse_integer(std::string_view text, const DType& dt, std::string_view where) {
  std::string_view s = trim(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) bad_value(text, dt, where, "out of range");
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) bad_value(text, dt, where, "not an integer");
  return v;
}

double parse_double(std::string_view text, const DType& dt, std::string_view where) {
  std::string_view s = trim(text);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // Python's float() reads overflow as inf and underflow as 0.
    std::string tmp(s);
    v = std::strtod(tmp.c_str(), nullptr);
  } else if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    bad_value(text, dt, where, "not a number");
  }
  return v;
}

}  // namespace

int64_t parse_time(std::string_view text, const DType& dt, std::string_view where) {
  std::string_view s = trim(text);
  if (s == "NaT" || s == "nat") return std::numeric_limits<int64_t>::min();
  Instant t;
  std::string why;
  if (!parse_instant(s, t, why)) bad_value(text, dt, where, why);
  bool exact;
  int64_t ticks = to_ticks(t, dt, exact);
  if (!exact) bad_value(text, dt, where, "finer than the column's unit");
  return ticks;
}

Value parse_value(std::string_view text, const DType& dt, std::string_view where) {
  switch (dt.kind) {
    case Kind::Time: return parse_time(text, dt, where);
    case Kind::Float: {
      double v = parse_double(text, dt, where);
      return dt.size == 4 ? double(float(v)) : v;
    }
    case Kind::Int:
      switch (dt.size) {
        case 1: return int64_t(parse_integer<int8_t>(text, dt, where));
        case 2: return int64_t(parse_integer<int16_t>(text, dt, where));
        case 4: return int64_t(parse_integer<int32_t>(text, dt, where));
        default: return parse_integer<int64_t>(text, dt, where);
      }
    case Kind::UInt:
      switch (dt.size) {
        case 1: return uint64_t(parse_integer<uint8_t>(text, dt, where));
        case 2: return uint64_t(parse_integer<uint16_t>(text, dt, where));
        case 4: return uint64_t(parse_integer<uint32_t>(text, dt, where));
        default: return parse_integer<uint64_t>(text, dt, where);
      }
    case Kind::Bool: {
      auto s = trim(text);
      if (s == "True" || s == "true" || s == "1" || s == "TRUE") return int64_t(1);
      if (s == "False" || s == "false" || s == "0" || s == "FALSE") return int64_t(0);
      bad_value(text, dt, where, "expected True or False");
    }
    case Kind::Str:
      if (text.find('\0') != std::string_view::npos) bad_value("...", dt, where, "NUL characters cannot be stored");
      return std::string(text);
    case Kind::Object: bad_value(text, dt, where, "object columns take no text");
  }
  bad_value(text, dt, where);
}

Value parse_bound(std::string_view text, const DType& dt, bool lower, bool& inclusive) {
  inclusive = false;
  if (dt.kind != Kind::Time) return parse_value(text, dt, "bound");
  std::string_view s = trim(text);
  Instant t;
  std::string why;
  if (!parse_instant(s, t, why)) bad_value(text, dt, "bound", why);
  bool exact;
  int64_t ticks = to_ticks(t, dt, exact);
  if (!exact) {
    inclusive = true;
    if (lower) ++ticks;  // to_ticks floors
  }
  return ticks;
}

Column parse_column(const ColumnDef& def, const std::vector<std::string>& texts, size_t first_row) {
  const DType& dt = def.dtype;
  size_t n = texts.size();
  auto where = [&](size_t i) { return "row " + std::to_string(first_row + i) + ", column '" + def.name + "'"; };
  if (dt.kind == Kind::Str) {
    for (size_t i = 0; i < n; ++i)
      if (texts[i].find('\0') != std::string::npos) bad_value("...", dt, where(i), "NUL characters cannot be stored");
    return Column::strings(texts);
  }
  if (dt.kind == Kind::Object) throw InvalidInput("column '" + def.name + "': object columns cannot be read from text");
  auto buf = std::make_shared<Buffer>(n * dt.size);
  visit_fixed(dt, [&](auto t) {
    using T = decltype(t);
    T* out = reinterpret_cast<T*>(buf->bytes.get());
    for (size_t i = 0; i < n; ++i) {
      if (dt.kind == Kind::Float) {
        out[i] = T(parse_double(texts[i], dt, where(i)));
      } else {
        Value v = parse_value(texts[i], dt, where(i));
        if (auto* x = std::get_if<int64_t>(&v)) out[i] = T(*x);
        else if (auto* u = std::get_if<uint64_t>(&v)) out[i] = T(*u);
      }
    }
  });
  return Column(dt, std::move(buf), n);
}

std::string format_time(int64_t ticks, const DType& dt) {
  if (ticks == std::numeric_limits<int64_t>::min()) return "NaT";
  int64_t secs, sub = 0;
  int sub_digits = 0;
  if (int64_t spt = dt.seconds_per_tick(); spt > 0) {
    secs = ticks * spt;
  } else {
    int64_t tps = dt.ticks_per_second();
    secs = floor_div(ticks, tps);
    sub = ticks - secs * tps;
    sub_digits = dt.unit == TimeUnit::ms ? 3 : dt.unit == TimeUnit::us ? 6 : 9;
  }
  int64_t days = floor_div(secs, 86400);
  int64_t rem = secs - days * 86400;
  date::year_month_day ymd{date::sys_days{date::days{days}}};
  char buf[64];
  int y = int(ymd.year());
  int n = std::snprintf(buf, sizeof buf, y >= 0 && y <= 9999 ? "%04d-%02u-%02u" : "%d-%02u-%02u", y,
                        unsigned(ymd.month()), unsigned(ymd.day()));
  std::string out(buf, n);
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

namespace {

std::string describe(const Column& c, size_t i) {
  const DType& dt = c.dtype();
  if (dt.kind == Kind::Str) return c.str(i);
  Value v = c.value(i);
  if (dt.kind == Kind::Time) return format_time(std::get<int64_t>(v), dt);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  if (auto* x = std::get_if<int64_t>(&v)) return std::to_string(*x);
  if (auto* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
  return "?";
}

// Converts a typed column to the schema's type where numpy would, exactly.
Column cast_column(const ColumnDef& def, const Column& col) {
  const DType& from = col.dtype();
  const DType& to = def.dtype;
  if (from == to) return col;
  if (from.kind == Kind::Str) {
    std::vector<std::string> texts;
    texts.reserve(col.size());
    for (size_t i = 0; i < col.size(); ++i) texts.push_back(col.str(i));
    return parse_column(def, texts);
  }
  if (!from.fixed_width() || !to.fixed_width()) {
    throw InvalidInput("column '" + def.name + "': cannot store " + from.name() + " values in a " + to.name() + " column");
  }
  size_t n = col.size();
  auto buf = std::make_shared<Buffer>(n * to.size);
  visit_fixed(to, [&](auto t) {
    using T = decltype(t);
    T* out = reinterpret_cast<T*>(buf->bytes.get());
    for (size_t i = 0; i < n; ++i) {
      Value v = col.value(i);
      if (from.kind == Kind::Time && to.kind == Kind::Time) {
        int64_t x = std::get<int64_t>(v);
        if (x == std::numeric_limits<int64_t>::min()) {
          out[i] = T(x);
          continue;
        }
        // Through nanoseconds would overflow for far dates: go through seconds.
        Instant inst;
        if (from.seconds_per_tick() > 0) inst = {x * from.seconds_per_tick(), 0};
        else {
          int64_t tps = from.ticks_per_second();
          int64_t s = floor_div(x, tps);
          inst = {s, (x - s * tps) * (1000000000 / tps)};
        }
        bool exact;
        out[i] = T(to_ticks(inst, to, exact));
        if (!exact) {
          throw InvalidInput("row " + std::to_string(i + 1) + ", column '" + def.name + "': " + describe(col, i) +
                             " is finer than the column's unit");
        }
        continue;
      }
      if (auto* d = std::get_if<double>(&v)) {
        if (to.kind != Kind::Float && (std::isnan(*d) || *d != std::floor(*d))) {
          throw InvalidInput("row " + std::to_string(i + 1) + ", column '" + def.name + "': " + describe(col, i) +
                             " is not a whole number for a " + to.name() + " column");
        }
        out[i] = T(*d);
      } else if (auto* x = std::get_if<int64_t>(&v)) {
        out[i] = T(*x);
      } else if (auto* u = std::get_if<uint64_t>(&v)) {
        out[i] = T(*u);
      }
    }
  });
  return Column(to, std::move(buf), n);
}

}  // namespace

Frame conform(const Schema& schema, const Frame& input) {
  for (const auto& name : input.names()) {
    if (!schema.find(name)) {
      throw InvalidInput("unexpected column '" + name + "' (the schema has: " + [&] {
        std::string s;
        for (const auto& n : schema.names()) s += (s.empty() ? "" : ", ") + n;
        return s;
      }() + ")");
    }
  }
  std::vector<Column> cols;
  for (const auto& def : schema.columns()) {
    const Column* c = input.find(def.name);
    if (!c) throw InvalidInput("missing column '" + def.name + "'");
    cols.push_back(cast_column(def, *c));
  }
  return Frame(schema.names(), std::move(cols));
}

Tuple index_tuple(const Schema& schema, const Frame& frame, size_t row) {
  Tuple t;
  for (auto i : schema.index()) t.push_back(frame.columns()[i].value(row));
  return t;
}

void check_sorted(const Schema& schema, const Frame& frame, std::string_view context, bool allow_duplicates) {
  const auto& idx = schema.index();
  size_t n = frame.size();
  auto fail = [&](size_t i, bool duplicate) {
    std::string prev, cur;
    for (auto k : idx) {
      prev += (prev.empty() ? "" : ", ") + describe(frame.columns()[k], i - 1);
      cur += (cur.empty() ? "" : ", ") + describe(frame.columns()[k], i);
    }
    std::string msg = std::string(context) + ": ";
    if (duplicate) msg += "duplicated index at rows " + std::to_string(i) + " and " + std::to_string(i + 1) + " (" + cur + ")";
    else msg += "index not sorted at row " + std::to_string(i + 1) + " (" + cur + " after " + prev + ")";
    msg += "; sort the rows by index and remove duplicates before writing";
    throw InvalidInput(msg);
  };
  if (idx.size() == 1) {
    const Column& c = frame.columns()[idx[0]];
    const DType& dt = c.dtype();
    if (dt.kind == Kind::Time || (dt.kind == Kind::Int && dt.size == 8)) {
      auto v = c.values<int64_t>();
      for (size_t i = 1; i < n; ++i)
        if (v[i] <= v[i - 1] && !(allow_duplicates && v[i] == v[i - 1])) fail(i, v[i] == v[i - 1]);
      return;
    }
    if (dt.kind == Kind::Float) {
      for (size_t i = 1; i < n; ++i) {
        Value a = c.value(i - 1), b = c.value(i);
        if (std::isnan(std::get<double>(a)) || std::isnan(std::get<double>(b))) {
          throw InvalidInput(std::string(context) + ": NaN at row " + std::to_string(std::isnan(std::get<double>(a)) ? i : i + 1) +
                             " of index column '" + schema[idx[0]].name + "'");
        }
      }
    }
  }
  for (size_t i = 1; i < n; ++i) {
    int c = 0;
    for (auto k : idx) {
      c = frame.columns()[k].compare(i - 1, i);
      if (c) break;
    }
    if (c > 0 || (c == 0 && !allow_duplicates)) fail(i, c == 0);
  }
}

}  // namespace lakota
