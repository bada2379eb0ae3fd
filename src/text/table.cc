#include "lakota/text/table.h"

#include <charconv>

#include "lakota/model/time.h"
#include "lakota/text/text.h"

namespace lakota::text {

std::string format_value(const DType& dt, const Value& v) {
  switch (dt.kind) {
    case Kind::Time: return format_time(std::get<int64_t>(v), dt);
    case Kind::Float: return dt.size == 4 ? python_float32_repr(float(std::get<double>(v))) : python_float_repr(std::get<double>(v));
    case Kind::Bool: return std::get<int64_t>(v) ? "True" : "False";
    case Kind::Str: return std::get<std::string>(v);
    default:
      if (auto* u = std::get_if<uint64_t>(&v)) return std::to_string(*u);
      if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
      return "";
  }
}

std::string format_cell(const Column& c, size_t i) {
  const DType& dt = c.dtype();
  switch (dt.kind) {
    case Kind::Str: return c.str(i);
    case Kind::Object: return c.object(i).dump();
    case Kind::Time: return format_time(c.values<int64_t>()[i], dt);
    case Kind::Float:
      if (dt.size == 8) return python_float_repr(c.values<double>()[i]);
      return python_float32_repr(c.values<float>()[i]);
    default: return format_value(dt, c.value(i));
  }
}

namespace {

enum class CellType { Int, Float, Text };

CellType text_type(const std::string& s) {
  if (s.empty()) return CellType::Text;
  std::string_view v = s;
  if (v[0] == '+' || v[0] == '-') v.remove_prefix(1);
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos) return CellType::Int;
  double d;
  std::string_view t = s;
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec == std::errc() && p == t.data() + t.size()) return CellType::Float;
  return CellType::Text;
}

// Column types as tabulate infers them: the most general type of its cells.
void tabulate_cells(std::vector<std::vector<std::string>>& rows, size_t ncols, std::vector<bool>& numeric) {
  numeric.assign(ncols, false);
  for (size_t k = 0; k < ncols; ++k) {
    CellType t = CellType::Int;
    for (const auto& r : rows) t = std::max(t, text_type(r[k]));
    if (rows.empty()) t = CellType::Text;
    numeric[k] = t != CellType::Text;
    if (t == CellType::Float)
      for (auto& r : rows) {
        double d = 0;
        std::string_view s = r[k];
        if (!s.empty() && s[0] == '+') s.remove_prefix(1);
        std::from_chars(s.data(), s.data() + s.size(), d);
        r[k] = python_float_g(d);
      }
  }
}

}  // namespace

void format_rows(std::string& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool pretty) {
  if (!pretty) {
    csv_write_row(out, headers);
    for (const auto& r : rows) csv_write_row(out, r);
    return;
  }
  auto cells = rows;
  std::vector<bool> numeric;
  tabulate_cells(cells, headers.size(), numeric);
  out += tabulate_simple(headers, cells, numeric);
  out += "\n";
}

bool TableWriter::drain() {
  if (open_ && out_.size() >= (1 << 20)) open_ = drain_();
  return open_;
}

void TableWriter::frame(const Frame& f) {
  std::vector<const Column*> cols;
  for (const auto& n : names_) cols.push_back(&f[n]);
  if (!pretty_) {
    if (!header_done_) {
      csv_write_row(out_, names_);
      header_done_ = true;
    }
    std::vector<std::string> row(cols.size());
    for (size_t i = 0; i < f.size() && drain(); ++i) {
      for (size_t k = 0; k < cols.size(); ++k) row[k] = format_cell(*cols[k], i);
      csv_write_row(out_, row);
    }
    return;
  }
  std::vector<std::vector<std::string>> rows(f.size(), std::vector<std::string>(cols.size()));
  std::vector<bool> numeric(cols.size(), false);
  for (size_t k = 0; k < cols.size(); ++k) {
    const DType& dt = cols[k]->dtype();
    // tabulate counts bools as integers.
    bool number = dt.kind == Kind::Int || dt.kind == Kind::UInt || dt.kind == Kind::Float || dt.kind == Kind::Bool;
    for (size_t i = 0; i < f.size(); ++i) {
      if (dt.kind == Kind::Bool) {
        rows[i][k] = cols[k]->values<uint8_t>()[i] ? "1" : "0";
      } else if (dt.kind == Kind::Float) {
        double d = dt.size == 8 ? cols[k]->values<double>()[i] : cols[k]->values<float>()[i];
        rows[i][k] = python_float_g(d);
      } else {
        rows[i][k] = format_cell(*cols[k], i);
      }
    }
    numeric[k] = number && f.size() > 0;
  }
  // Text columns whose cells all read as numbers are numbers to tabulate.
  for (size_t k = 0; k < cols.size(); ++k) {
    if (cols[k]->dtype().kind != Kind::Str || f.empty()) continue;
    std::vector<std::vector<std::string>> one;
    for (auto& r : rows) one.push_back({r[k]});
    std::vector<bool> num;
    tabulate_cells(one, 1, num);
    if (num[0]) {
      numeric[k] = true;
      for (size_t i = 0; i < rows.size(); ++i) rows[i][k] = one[i][0];
    }
  }
  header_done_ = true;
  out_ += tabulate_simple(names_, rows, numeric);
  out_ += "\n";
  drain();
}

void TableWriter::finish() {
  if (!pretty_ && !header_done_) csv_write_row(out_, names_);
}

}  // namespace lakota::text
