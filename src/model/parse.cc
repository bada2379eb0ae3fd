#include "lakota/model/parse.h"

#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "lakota/error.h"
#include "lakota/model/time.h"

namespace lakota {
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

template <class T>
T parse_integer(std::string_view text, const DType& dt, std::string_view where) {
  std::string_view s = trim(text);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  bool all_digits = !s.empty() && s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string_view::npos &&
                    s != "-";
  if (!all_digits) bad_value(text, dt, where, "not an integer");
  if constexpr (std::is_unsigned_v<T>) {
    if (s[0] == '-') {
      if (s.find_first_not_of('0', 1) == std::string_view::npos) return 0;  // -0
      bad_value(text, dt, where, "out of range for " + dt.name());
    }
  }
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) bad_value(text, dt, where, "out of range for " + dt.name());
  if (ec != std::errc() || ptr != s.data() + s.size()) bad_value(text, dt, where, "not an integer");
  return v;
}

double parse_double(std::string_view text, const DType& dt, std::string_view where) {
  std::string_view s = trim(text);
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range && ptr == s.data() + s.size()) {
    // Python's float() reads overflow as inf and underflow as 0.
    std::string tmp(s);
    v = std::strtod(tmp.c_str(), nullptr);
  } else if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    bad_value(text, dt, where, "not a number");
  }
  return v;
}

void check_string(std::string_view text, const DType& dt, std::string_view where) {
  if (text.find('\0') != std::string_view::npos) bad_value("...", dt, where, "NUL characters cannot be stored");
  if (size_t at = utf8_error(text); at != std::string_view::npos)
    bad_value("...", dt, where, "invalid UTF-8 at byte " + std::to_string(at + 1));
}

}  // namespace

float to_float32(double v) {
  if (std::isnan(v)) return std::numeric_limits<float>::quiet_NaN();
  // Past FLT_MAX by half a unit in the last place or more, numpy rounds to infinity.
  constexpr double kTop = double(FLT_MAX) + 0x1p103;
  if (v >= kTop) return std::numeric_limits<float>::infinity();
  if (v <= -kTop) return -std::numeric_limits<float>::infinity();
  if (v > FLT_MAX) return FLT_MAX;
  if (v < -FLT_MAX) return -FLT_MAX;
  return float(v);
}

Value parse_value(std::string_view text, const DType& dt, std::string_view where) {
  switch (dt.kind) {
    case Kind::Time: return parse_time(text, dt, where);
    case Kind::Float: {
      double v = parse_double(text, dt, where);
      return dt.size == 4 ? double(to_float32(v)) : v;
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
    case Kind::Str: check_string(text, dt, where); return std::string(text);
    case Kind::Object: bad_value(text, dt, where, "object columns take no text");
  }
  bad_value(text, dt, where);
}

Value parse_bound(std::string_view text, const DType& dt, bool lower, bool& inclusive, std::string_view where) {
  inclusive = false;
  if (dt.kind != Kind::Time) {
    Value v = parse_value(text, dt, where);
    if (auto* d = std::get_if<double>(&v); d && std::isnan(*d)) bad_value(text, dt, where, "NaN is never an index value");
    return v;
  }
  std::string_view s = trim(text);
  if (s == "NaT" || s == "nat") bad_value(text, dt, where, "NaT is never an index value");
  return parse_time(text, dt, where, lower ? TimeRounding::Up : TimeRounding::Down, &inclusive);
}

Tuple parse_bounds(const Schema& schema, const std::vector<std::string>& texts, bool lower, Closed& closed,
                   std::string_view option) {
  if (texts.size() > schema.index().size()) {
    throw InvalidInput(std::string(option) + " takes at most one value per index column (" +
                       std::to_string(schema.index().size()) + ")");
  }
  Tuple out;
  for (size_t k = 0; k < texts.size(); ++k) {
    bool inclusive = false;
    const auto& def = schema[schema.index()[k]];
    out.push_back(parse_bound(texts[k], def.dtype, lower, inclusive, std::string(option) + " " + texts[k]));
    // Rounded to the column's unit: the rounded value itself is inside the range.
    if (inclusive && k + 1 == texts.size()) closed = lower ? closed.with_left(true) : closed.with_right(true);
  }
  return out;
}

namespace {

template <class Texts>
Column parse_texts(const ColumnDef& def, const Texts& texts, size_t first_row) {
  const DType& dt = def.dtype;
  size_t n = texts.size();
  // Values are parsed without a location; the one that fails is parsed again with it, for
  // the message (no text built per value).
  auto where = [&](size_t i) { return "row " + std::to_string(first_row + i) + ", column '" + def.name + "'"; };
  auto located = [&](size_t i, auto&& parse) {
    try {
      return parse(std::string_view());
    } catch (const InvalidInput&) {
      return parse(std::string_view(where(i)));
    }
  };
  if (dt.kind == Kind::Str) {
    std::vector<std::string> values;
    values.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      located(i, [&](std::string_view w) { check_string(texts[i], dt, w); return 0; });
      values.emplace_back(texts[i]);
    }
    return Column::strings(values);
  }
  if (dt.kind == Kind::Object) throw InvalidInput("column '" + def.name + "': object columns cannot be read from text");
  auto buf = std::make_shared<Buffer>(n * dt.size);
  visit_fixed(dt, [&](auto t) {
    using T = decltype(t);
    T* out = reinterpret_cast<T*>(buf->bytes.get());
    for (size_t i = 0; i < n; ++i) {
      if (dt.kind == Kind::Float) {
        double d = located(i, [&](std::string_view w) { return parse_double(texts[i], dt, w); });
        out[i] = dt.size == 4 ? T(to_float32(d)) : T(d);
      } else {
        Value v = located(i, [&](std::string_view w) { return parse_value(texts[i], dt, w); });
        // parse_value checked the range of the column's type.
        if (auto* x = std::get_if<int64_t>(&v)) out[i] = T(*x);
        else if (auto* u = std::get_if<uint64_t>(&v)) out[i] = T(*u);
      }
    }
  });
  return Column(dt, std::move(buf), n);
}

}  // namespace

Column parse_column(const ColumnDef& def, const std::vector<std::string>& texts, size_t first_row) {
  return parse_texts(def, texts, first_row);
}

Column parse_column(const ColumnDef& def, const std::vector<std::string_view>& texts, size_t first_row) {
  return parse_texts(def, texts, first_row);
}

}  // namespace lakota
