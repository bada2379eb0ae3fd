#include "lakota/model/dtype.h"

#include <cmath>
#include <type_traits>

#include "lakota/error.h"

namespace lakota {
namespace {

TimeUnit parse_unit(std::string_view u) {
  if (u == "W") return TimeUnit::W;
  if (u == "D") return TimeUnit::D;
  if (u == "h") return TimeUnit::h;
  if (u == "m") return TimeUnit::m;
  if (u == "s") return TimeUnit::s;
  if (u == "ms") return TimeUnit::ms;
  if (u == "us") return TimeUnit::us;
  if (u == "ns") return TimeUnit::ns;
  return TimeUnit::None;
}

[[noreturn]] void unknown(std::string_view spec, std::string_view why = "") {
  std::string msg = "unknown column type '" + std::string(spec) + "'";
  if (!why.empty()) msg += ": " + std::string(why);
  msg += " (expected timestamp, date, float, int, str, or a numpy type such as float32, int16, uint8, bool, "
         "datetime64[ms])";
  throw InvalidInput(msg);
}

}  // namespace

std::string_view unit_name(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::W: return "W";
    case TimeUnit::D: return "D";
    case TimeUnit::h: return "h";
    case TimeUnit::m: return "m";
    case TimeUnit::s: return "s";
    case TimeUnit::ms: return "ms";
    case TimeUnit::us: return "us";
    case TimeUnit::ns: return "ns";
    default: return "";
  }
}

DType DType::parse(std::string_view spec) {
  std::string_view s = spec;
  if (s == "timestamp") s = "M8[s]";
  else if (s == "date") s = "M8[D]";
  else if (s == "float") s = "f8";
  else if (s == "int") s = "i8";
  else if (s == "str") s = "U";
  // Byte-order prefixes: only little-endian (or not applicable) is stored.
  if (!s.empty() && (s[0] == '<' || s[0] == '|' || s[0] == '=')) s.remove_prefix(1);
  else if (!s.empty() && s[0] == '>') unknown(spec, "big-endian types are not supported");

  if (s == "U" || s == "str_" || s == "unicode" || (s.size() > 1 && s[0] == 'U' && s.find_first_not_of("0123456789", 1) == std::string_view::npos))
    return {Kind::Str, 0, TimeUnit::None};
  if (s == "O" || s == "object") return {Kind::Object, 0, TimeUnit::None};
  if (s == "bool" || s == "b1" || s == "?" || s == "bool_") return {Kind::Bool, 1, TimeUnit::None};

  if (s.starts_with("datetime64") || s.starts_with("M8")) {
    auto open = s.find('['), close = s.find(']');
    if (open == std::string_view::npos || close != s.size() - 1)
      unknown(spec, "a datetime needs a unit, as in datetime64[s]");
    auto head = s.substr(0, open);
    if (head != "datetime64" && head != "M8") unknown(spec);
    TimeUnit unit = parse_unit(s.substr(open + 1, close - open - 1));
    if (unit == TimeUnit::None) unknown(spec, "supported datetime units are W, D, h, m, s, ms, us and ns");
    return {Kind::Time, 8, unit};
  }

  struct Named {
    std::string_view name;
    Kind kind;
    uint8_t size;
  };
  static const Named named[] = {
      {"float64", Kind::Float, 8}, {"f8", Kind::Float, 8}, {"double", Kind::Float, 8},
      {"float32", Kind::Float, 4}, {"f4", Kind::Float, 4}, {"single", Kind::Float, 4},
      {"int64", Kind::Int, 8},     {"i8", Kind::Int, 8},   {"int32", Kind::Int, 4},
      {"i4", Kind::Int, 4},        {"int16", Kind::Int, 2}, {"i2", Kind::Int, 2},
      {"int8", Kind::Int, 1},      {"i1", Kind::Int, 1},   {"uint64", Kind::UInt, 8},
      {"u8", Kind::UInt, 8},       {"uint32", Kind::UInt, 4}, {"u4", Kind::UInt, 4},
      {"uint16", Kind::UInt, 2},   {"u2", Kind::UInt, 2},  {"uint8", Kind::UInt, 1},
      {"u1", Kind::UInt, 1},
  };
  for (const auto& n : named)
    if (s == n.name) return {n.kind, n.size, TimeUnit::None};
  if (s == "float16" || s == "f2") unknown(spec, "float16 is not supported");
  if (s.starts_with("complex") || s.starts_with("c")) unknown(spec, "complex numbers are not supported");
  unknown(spec);
}

std::string DType::name() const {
  switch (kind) {
    case Kind::Bool: return "bool";
    case Kind::Int: return "int" + std::to_string(size * 8);
    case Kind::UInt: return "uint" + std::to_string(size * 8);
    case Kind::Float: return "float" + std::to_string(size * 8);
    case Kind::Time: return "datetime64[" + std::string(unit_name(unit)) + "]";
    case Kind::Str: return "<U0";
    case Kind::Object: return "object";
  }
  return "?";
}

int64_t DType::ticks_per_second() const {
  switch (unit) {
    case TimeUnit::s: return 1;
    case TimeUnit::ms: return 1000;
    case TimeUnit::us: return 1000000;
    case TimeUnit::ns: return 1000000000;
    default: return 0;
  }
}

int64_t DType::seconds_per_tick() const {
  switch (unit) {
    case TimeUnit::W: return 7 * 86400;
    case TimeUnit::D: return 86400;
    case TimeUnit::h: return 3600;
    case TimeUnit::m: return 60;
    case TimeUnit::s: return 1;
    default: return 0;
  }
}

namespace {

template <class T>
int cmp(T x, T y) {
  return x < y ? -1 : (x > y ? 1 : 0);
}

// An integer against a double, exactly (no rounding of either); NaN sorts last.
template <class I>
int compare_int_double(I i, double d) {
  if (std::isnan(d)) return -1;
  constexpr double top = std::is_signed_v<I> ? 0x1p63 : 0x1p64;
  if (d >= top) return -1;
  if (d < (std::is_signed_v<I> ? -0x1p63 : 0.0)) return 1;
  double whole = std::trunc(d);  // representable in I now
  I t = I(whole);
  if (i != t) return cmp(i, t);
  return whole < d ? -1 : (whole > d ? 1 : 0);
}

int compare_int_uint(int64_t i, uint64_t u) { return i < 0 ? -1 : cmp(uint64_t(i), u); }

}  // namespace

int compare_values(const Value& a, const Value& b) {
  if (a.index() != b.index()) {
    // Mixed numeric kinds compare as numbers, exactly.
    auto* ai = std::get_if<int64_t>(&a);
    auto* au = std::get_if<uint64_t>(&a);
    auto* ad = std::get_if<double>(&a);
    auto* bi = std::get_if<int64_t>(&b);
    auto* bu = std::get_if<uint64_t>(&b);
    auto* bd = std::get_if<double>(&b);
    if (ai && bu) return compare_int_uint(*ai, *bu);
    if (au && bi) return -compare_int_uint(*bi, *au);
    if (ai && bd) return compare_int_double(*ai, *bd);
    if (au && bd) return compare_int_double(*au, *bd);
    if (ad && bi) return -compare_int_double(*bi, *ad);
    if (ad && bu) return -compare_int_double(*bu, *ad);
    return a.index() < b.index() ? -1 : 1;
  }
  switch (a.index()) {
    case 0: return 0;
    case 1: {
      auto x = std::get<int64_t>(a), y = std::get<int64_t>(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case 2: {
      auto x = std::get<uint64_t>(a), y = std::get<uint64_t>(b);
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    case 3: {
      auto x = std::get<double>(a), y = std::get<double>(b);
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) ? (std::isnan(y) ? 0 : 1) : -1;
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    default: {
      int c = std::get<std::string>(a).compare(std::get<std::string>(b));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
}

int compare_tuples(const Tuple& a, const Tuple& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = compare_values(a[i], b[i]);
    if (c) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace lakota
