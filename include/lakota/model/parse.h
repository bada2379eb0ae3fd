// Values from text for a column: numbers, booleans, strings and times (see time.h), and
// range bounds, with errors that name the row, the column and the value. What every front
// end (command line, Python, server) reads from its users goes through here.
// Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lakota/model/commit.h"
#include "lakota/model/schema.h"

namespace lakota {

// One value of type `dt`. Errors name `where` (such as "row 3, column 'value'"): not a
// number, out of range for the type ("out of range for uint8"), not a time, invalid UTF-8.
Value parse_value(std::string_view text, const DType& dt, std::string_view where);

// A query bound on an index column. A time finer than the column's unit is rounded towards
// the inside of the range (a date column compared with 2020-06-24T12:00 as a lower bound
// starts on 2020-06-25), and `inclusive` is set when that happened. NaN and NaT are never
// index values, so never bounds.
Value parse_bound(std::string_view text, const DType& dt, bool lower, bool& inclusive, std::string_view where);

// A bound over a (possibly composite) index: one text per index column, in schema order,
// or a prefix of them. Rounding a time makes the bound inclusive on that side of `closed`.
// Errors name `option` (such as "--greater-than").
Tuple parse_bounds(const Schema& schema, const std::vector<std::string>& texts, bool lower, Closed& closed,
                   std::string_view option);

// Builds a column from texts (one per row); rows count from `first_row` in messages.
Column parse_column(const ColumnDef& def, const std::vector<std::string>& texts, size_t first_row = 1);
Column parse_column(const ColumnDef& def, const std::vector<std::string_view>& texts, size_t first_row = 1);

// The float32 numpy stores for a float64: out-of-range values become infinities.
float to_float32(double v);

}  // namespace lakota
