// Progress of long operations (push, pull, gc, verify, import, export): the engine says how
// far it is, a front end draws it (the command line: a bar on a terminal's stderr).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace lakota {

// Called with the stage ("copying segments"), the units done and the units in all (0 when
// unknown). May be called from several threads at once; must not throw.
using Progress = std::function<void(std::string_view stage, uint64_t done, uint64_t total)>;

}  // namespace lakota
