// Frames through the Arrow C data interface's PyCapsule protocol (see arrow.cc).
#pragma once

#include <nanobind/nanobind.h>

namespace lakota::py {

namespace nb = nanobind;

// Adds arrow_array(columns) and arrow_stream(columns) to the module.
void bind_arrow(nb::module_& m);

}  // namespace lakota::py
