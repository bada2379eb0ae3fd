// Frame: named columns of equal length, and the conversion of text to typed values
// (ISO-8601 times with or without seconds and zone, numbers) with errors that name the
// row, the column and the value. Frames are values sharing their column buffers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lakota/model/column.h"
#include "lakota/model/schema.h"

namespace lakota {

class Frame {
 public:
  Frame() = default;
  Frame(std::vector<std::string> names, std::vector<Column> columns);

  size_t size() const { return columns_.empty() ? 0 : columns_[0].size(); }
  bool empty() const { return size() == 0; }
  const std::vector<std::string>& names() const { return names_; }
  const std::vector<Column>& columns() const { return columns_; }
  const Column* find(std::string_view name) const;
  // Throws InvalidInput naming the column when absent.
  const Column& operator[](std::string_view name) const;
  Frame slice(size_t begin, size_t end) const;
  static Frame concat(const std::vector<Frame>& parts);
  bool equals(const Frame& other) const;

 private:
  std::vector<std::string> names_;
  std::vector<Column> columns_;
};

// A schema-shaped frame: every column of `schema`, cast and checked. Throws InvalidInput
// for a missing or extra column, a length mismatch, or a type mismatch.
Frame conform(const Schema& schema, const Frame& input);
// Index check: strictly increasing (lexicographically over index columns). Throws
// InvalidInput naming the first offending row and its values; `context` names the series.
void check_sorted(const Schema& schema, const Frame& frame, std::string_view context, bool allow_duplicates = false);
// Index tuple of a row.
Tuple index_tuple(const Schema& schema, const Frame& frame, size_t row);

// Text to values. Errors name `where` (such as "row 3, column 'value'").
int64_t parse_time(std::string_view text, const DType& dt, std::string_view where);
Value parse_value(std::string_view text, const DType& dt, std::string_view where);
// A query bound on a column; a time finer than the column's unit is rounded towards the
// inside of the range (a date column compared with 2020-06-24T12:00 as a lower bound
// starts on 2020-06-25), and `inclusive` is set when that happened.
Value parse_bound(std::string_view text, const DType& dt, bool lower, bool& inclusive);
// Builds a column from texts (one per row); rows count from `first_row` in messages.
Column parse_column(const ColumnDef& def, const std::vector<std::string>& texts, size_t first_row = 1);

// Value to text, as the reference prints it (numpy's str of a scalar).
std::string format_time(int64_t ticks, const DType& dt);

}  // namespace lakota
