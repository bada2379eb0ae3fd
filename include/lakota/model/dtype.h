// Data types of columns, named as numpy names them, and scalar values.
// Value types; safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lakota {

enum class Kind : uint8_t { Bool, Int, UInt, Float, Time, Str, Object };

// numpy datetime64 units that have a fixed length.
enum class TimeUnit : uint8_t { None, W, D, h, m, s, ms, us, ns };

struct DType {
  Kind kind = Kind::Float;
  uint8_t size = 8;  // bytes per element for fixed-width kinds, 0 otherwise
  TimeUnit unit = TimeUnit::None;

  // Parses a schema type: an alias (timestamp, date, float, int, str), a numpy name
  // (float32, int16, uint8, bool, datetime64[ms], M8[us], <f4, U, O, object ...).
  // Throws InvalidInput naming the type.
  static DType parse(std::string_view spec);

  bool fixed_width() const { return kind != Kind::Str && kind != Kind::Object; }
  // What numpy's str(dtype) prints: "float64", "datetime64[s]", "<U0", "object", "bool".
  std::string name() const;
  // Ticks of this time unit in one second (for W and D: negative, seconds per tick).
  int64_t ticks_per_second() const;
  int64_t seconds_per_tick() const;
  bool operator==(const DType&) const = default;
};

std::string_view unit_name(TimeUnit unit);

// One scalar: bool and time values are int64 (time in the column's unit).
using Value = std::variant<std::monostate, int64_t, uint64_t, double, std::string>;
// A row position in a composite index: one value per index column, or a prefix of them.
using Tuple = std::vector<Value>;

// -1, 0 or 1. Values of the same alternative compare naturally; NaN sorts last.
int compare_values(const Value& a, const Value& b);
// Python's tuple comparison: element-wise, then a shorter prefix sorts first.
int compare_tuples(const Tuple& a, const Tuple& b);

}  // namespace lakota
