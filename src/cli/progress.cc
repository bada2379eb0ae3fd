#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace lakota::cli {

ProgressBar::ProgressBar(const Globals& g)
    : enabled_(!g.quiet && ::isatty(2)), quiet_(g.quiet), start_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() {
  std::lock_guard lock(mu_);
  clear();
}

Progress ProgressBar::callback() {
  if (!enabled_) return {};
  return [this](std::string_view stage, uint64_t done, uint64_t total) { draw(stage, done, total); };
}

void ProgressBar::draw(std::string_view stage, uint64_t done, uint64_t total) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100) && done != total) return;
  last_ = now;
  std::string line = "\r\033[K" + std::string(stage.substr(0, 40));
  if (total) {
    constexpr int kWidth = 30;
    int filled = int(double(done) / double(total) * kWidth);
    if (filled > kWidth) filled = kWidth;
    line += " [" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    line += std::to_string(done) + "/" + std::to_string(total);
  } else {
    line += " " + std::to_string(done);
  }
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

void ProgressBar::finish(const std::string& summary) {
  std::lock_guard lock(mu_);
  clear();
  if (quiet_) return;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char t[32];
  std::snprintf(t, sizeof t, " in %.2f s", secs);
  std::string line = summary + t + "\n";
  std::fflush(stdout);
  std::fputs(line.c_str(), stderr);
}

std::string pretty_bytes(uint64_t n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double x = double(n);
  int u = 0;
  while (x >= 1000 && u < 4) x /= 1000, ++u;
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else std::snprintf(buf, sizeof buf, "%.1f %s", x, units[u]);
  return buf;
}

}  // namespace lakota::cli
