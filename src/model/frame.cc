#include "lakota/model/frame.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <limits>
#include <utility>

#include "lakota/error.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"

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

[[noreturn]] void bad_cast(const ColumnDef& def, const Column& col, size_t i, const std::string& why) {
  throw InvalidInput("row " + std::to_string(i + 1) + ", column '" + def.name + "': " + describe(col, i) + " " + why);
}

// A whole double within the range of integer type T.
template <class T>
bool double_fits(double d) {
  constexpr int bits = std::numeric_limits<T>::digits;  // value bits (63 for int64)
  const double top = std::ldexp(1.0, bits);
  if (std::is_signed_v<T>) return d >= -top && d < top;
  return d >= 0 && d < top;
}

// Converts a typed column to the schema's type where numpy would, checking every value
// fits: a value the type cannot hold is an error, never a wrapped one.
Column cast_column(const ColumnDef& def, const Column& col) {
  const DType& from = col.dtype();
  const DType& to = def.dtype;
  if (from.kind == Kind::Str && to.kind == Kind::Str) {
    for (size_t i = 0; i < col.size(); ++i) {
      if (size_t at = utf8_error(col.str(i)); at != std::string::npos)
        bad_cast(def, col, i, "is not valid UTF-8 (at byte " + std::to_string(at + 1) + ")");
      if (col.str(i).find('\0') != std::string::npos) bad_cast(def, col, i, "holds a NUL character");
    }
    return col;
  }
  if (from == to) return col;
  if (from.kind == Kind::Str) {
    std::vector<std::string> texts;
    texts.reserve(col.size());
    for (size_t i = 0; i < col.size(); ++i) texts.push_back(col.str(i));
    return parse_column(def, texts);
  }
  bool time_mix = (from.kind == Kind::Time) != (to.kind == Kind::Time) &&
                  (from.kind == Kind::Float || to.kind == Kind::Float || from.kind == Kind::Bool || to.kind == Kind::Bool);
  if (!from.fixed_width() || !to.fixed_width() || time_mix) {
    throw InvalidInput("column '" + def.name + "': cannot store " + from.name() + " values in a " + to.name() + " column");
  }
  size_t n = col.size();
  auto buf = std::make_shared<Buffer>(n * to.size);
  const std::string range = "is out of range for " + to.name();
  visit_fixed(to, [&](auto t) {
    using T = decltype(t);
    T* out = reinterpret_cast<T*>(buf->bytes.get());
    for (size_t i = 0; i < n; ++i) {
      Value v = col.value(i);
      if (from.kind == Kind::Time && to.kind == Kind::Time) {
        int64_t x = std::get<int64_t>(v);
        if (x == kNaT) {
          out[i] = T(x);
          continue;
        }
        auto inst = ticks_to_instant(x, from);
        bool exact = true;
        auto ticks = inst ? instant_to_ticks(*inst, to, exact) : std::nullopt;
        if (!ticks) bad_cast(def, col, i, "is outside the range of " + to.name());
        if (!exact) bad_cast(def, col, i, "is finer than the column's unit");
        out[i] = T(*ticks);
        continue;
      }
      if (to.kind == Kind::Bool) {
        bool one = false, zero = false;
        if (auto* d = std::get_if<double>(&v)) one = *d == 1, zero = *d == 0;
        else if (auto* x = std::get_if<int64_t>(&v)) one = *x == 1, zero = *x == 0;
        else if (auto* u = std::get_if<uint64_t>(&v)) one = *u == 1, zero = *u == 0;
        if (!one && !zero) bad_cast(def, col, i, range + " (0 or 1)");
        out[i] = T(one);
      } else if (to.kind == Kind::Float) {
        // One rounding, as numpy's astype: an integer goes straight to the target width.
        if (auto* f = std::get_if<double>(&v)) out[i] = to.size == 4 ? T(to_float32(*f)) : T(*f);
        else if (auto* x = std::get_if<int64_t>(&v)) out[i] = T(*x);
        else if (auto* u = std::get_if<uint64_t>(&v)) out[i] = T(*u);
      } else if constexpr (std::is_integral_v<T>) {
        if (auto* d = std::get_if<double>(&v)) {
          if (std::isnan(*d) || std::isinf(*d) || *d != std::floor(*d))
            bad_cast(def, col, i, "is not a whole number for a " + to.name() + " column");
          if (!double_fits<T>(*d)) bad_cast(def, col, i, range);
          out[i] = T(*d);
        } else if (auto* x = std::get_if<int64_t>(&v)) {
          if (!std::in_range<T>(*x)) bad_cast(def, col, i, range);
          out[i] = T(*x);
        } else if (auto* u = std::get_if<uint64_t>(&v)) {
          if (!std::in_range<T>(*u)) bad_cast(def, col, i, range);
          out[i] = T(*u);
        }
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

void check_index_values(const Schema& schema, const Frame& frame, std::string_view context, size_t first_row) {
  for (auto k : schema.index()) {
    const Column& c = frame.columns()[k];
    const DType& dt = c.dtype();
    auto fail = [&](size_t i, const char* what) {
      throw InvalidInput(std::string(context) + ": row " + std::to_string(first_row + i + 1) + ", column '" + schema[k].name +
                         "': " + what + " is never an index value");
    };
    if (dt.kind == Kind::Time) {
      auto v = c.values<int64_t>();
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i] == kNaT) fail(i, "NaT");
    } else if (dt.kind == Kind::Float) {
      for (size_t i = 0; i < c.size(); ++i)
        if (std::isnan(std::get<double>(c.value(i)))) fail(i, "NaN");
    }
  }
}

Tuple index_tuple(const Schema& schema, const Frame& frame, size_t row) {
  Tuple t;
  for (auto i : schema.index()) t.push_back(frame.columns()[i].value(row));
  return t;
}

void check_sorted(const Schema& schema, const Frame& frame, std::string_view context, bool allow_duplicates,
                  size_t first_row) {
  const auto& idx = schema.index();
  size_t n = frame.size();
  auto fail = [&](size_t i, bool duplicate) {
    std::string prev, cur;
    for (auto k : idx) {
      prev += (prev.empty() ? "" : ", ") + describe(frame.columns()[k], i - 1);
      cur += (cur.empty() ? "" : ", ") + describe(frame.columns()[k], i);
    }
    std::string msg = std::string(context) + ": ";
    size_t row = first_row + i;
    if (duplicate) msg += "duplicated index at rows " + std::to_string(row) + " and " + std::to_string(row + 1) + " (" + cur + ")";
    else msg += "index not sorted at row " + std::to_string(row + 1) + " (" + cur + " after " + prev + ")";
    msg += "; sort the rows by index and remove duplicates before writing";
    throw InvalidInput(msg);
  };
  check_index_values(schema, frame, context, first_row);
  if (idx.size() == 1) {
    const Column& c = frame.columns()[idx[0]];
    const DType& dt = c.dtype();
    if (dt.kind == Kind::Time || (dt.kind == Kind::Int && dt.size == 8)) {
      auto v = c.values<int64_t>();
      for (size_t i = 1; i < n; ++i)
        if (v[i] <= v[i - 1] && !(allow_duplicates && v[i] == v[i - 1])) fail(i, v[i] == v[i - 1]);
      return;
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
