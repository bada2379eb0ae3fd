// Output of the command line: buffered stdout that stops quietly when the reader goes away
// (`lakota read ... | head`), cells formatted as the reference prints them, and tables as
// CSV or as tabulate's "simple" format (-P).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lakota/model/frame.h"

namespace lakota::cli {

class Output {
 public:
  Output() = default;
  ~Output() { flush(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void text(std::string_view s);
  void line(std::string_view s);
  std::string& buffer() { return buffer_; }
  // Writes what is buffered once it is large enough.
  void maybe_flush() {
    if (buffer_.size() >= (1 << 20)) flush();
  }
  void flush();
  // False once stdout is closed by its reader.
  bool ok() const { return ok_; }

 private:
  std::string buffer_;
  bool ok_ = true;
};

// One value as numpy's str() prints it (25.0, nan, 2020-06-22T00:00:00, True).
std::string format_value(const DType& dt, const Value& v);
std::string format_cell(const Column& c, size_t i);

// Prints rows of text cells as CSV or as a table; table cells that all read as numbers
// are aligned as tabulate aligns numbers.
void print_rows(Output& out, const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                bool pretty);

// Writes frames one after the other: one CSV (header once), or one table per frame.
class TableWriter {
 public:
  TableWriter(Output& out, std::vector<std::string> names, bool pretty) : out_(out), names_(std::move(names)), pretty_(pretty) {}
  void frame(const Frame& f);
  void finish();

 private:
  Output& out_;
  std::vector<std::string> names_;
  bool pretty_;
  bool header_done_ = false;
};

}  // namespace lakota::cli
