// Conversions between the engine's values and Python's: columns as numpy arrays (sharing
// the engine's buffers on the way out, the caller's on the way in), index tuples as Python
// scalars. The Python layer (python/lakota) does the numpy-side work: it passes and takes
// columns as (name, numpy dtype name, payload), where the payload is
//   - a contiguous numpy array of the column's values (numbers, bools; times as int64),
//   - for strings, the UCS4 code points of a numpy 'U' array as a 2-d uint32 array,
//   - for objects (the registry's metadata), a list of JSON texts,
//   - None for an empty column.
#pragma once

#include <nanobind/nanobind.h>

#include "lakota/model/commit.h"
#include "lakota/model/frame.h"
#include "lakota/model/schema.h"

namespace lakota::py {

namespace nb = nanobind;

// A column as (dtype name, payload). Fixed-width columns share `column`'s buffer: the
// array keeps it alive, and is read-only (the engine's buffers are immutable), unless
// `writeable`: only for a buffer nothing else holds (a read's result handed to pandas).
nb::tuple column_to_py(const Column& column, bool writeable = false);
// A column from (dtype name, payload). Fixed-width values are not copied: the Column views
// the caller's array, which must outlive it (the Python call that passes it).
Column column_from_py(const std::string& dtype, nb::handle payload);

// [(name, dtype name, payload)] in the frame's column order.
nb::list frame_to_py(const Frame& frame, bool writeable = false);
Frame frame_from_py(nb::handle columns);

// Index values: one Python scalar per index column, or a prefix of them; None or an
// empty sequence means unbounded. A time is int64 ticks of the column's unit, or ISO text.
Tuple tuple_from_py(const Schema& schema, nb::handle values);

// A range's bounds: as tuple_from_py, but a time in text finer than its column's unit is
// rounded towards the inside of the range and that side of `closed` becomes inclusive
// (parse_bound, as the command line reads bounds).
struct Bounds {
  Tuple start, stop;
  Closed closed;
};
Bounds bounds_from_py(const Schema& schema, nb::handle start, nb::handle stop, const std::string& closed);
nb::tuple tuple_to_py(const Tuple& values);

}  // namespace lakota::py
