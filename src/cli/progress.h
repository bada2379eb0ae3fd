// Progress on stderr for long commands (push, pull, gc, defrag, verify, import, export): a
// bar redrawn in place on a terminal, nothing when stderr is not one or with -q; and the
// one-line summary each command ends with (not with -q).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "cli/common.h"
#include "lakota/api/progress.h"

namespace lakota::cli {

class ProgressBar {
 public:
  explicit ProgressBar(const Globals& g);
  ~ProgressBar();
  // The callback the engine calls; valid while this object lives.
  Progress callback();
  // Clears the bar, then prints `summary` (with the time taken) unless quiet.
  void finish(const std::string& summary);

 private:
  void draw(std::string_view stage, uint64_t done, uint64_t total);
  void clear();
  bool enabled_, quiet_;
  std::mutex mu_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

// "1.2 MB", "12.3 kB", "845 B".
std::string pretty_bytes(uint64_t n);

}  // namespace lakota::cli
