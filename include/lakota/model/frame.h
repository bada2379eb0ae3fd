// Frame: named columns of equal length; casting a frame to a schema and checking its
// index. Frames are values sharing their column buffers.
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
// Rows are numbered from `first_row` + 1 in messages (a part of a longer input).
void check_sorted(const Schema& schema, const Frame& frame, std::string_view context, bool allow_duplicates = false,
                  size_t first_row = 0);
// Index values that are never allowed (NaN in a float index, NaT in a time index).
void check_index_values(const Schema& schema, const Frame& frame, std::string_view context, size_t first_row = 0);
// Index tuple of a row.
Tuple index_tuple(const Schema& schema, const Frame& frame, size_t row);

}  // namespace lakota
