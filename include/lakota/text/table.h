// Frames and rows as text, as the reference prints them: values as numpy's str() prints
// them (25.0, nan, 2020-06-22T00:00:00, True), rows as CSV or as tabulate's "simple"
// table (`lakota -P`). Output goes to a string buffer that the front end drains.
// A TableWriter is a single-threaded object; the functions are pure.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lakota/model/frame.h"

namespace lakota::text {

// One value as numpy's str() prints it.
std::string format_value(const DType& dt, const Value& v);
std::string format_cell(const Column& c, size_t i);

// Rows of text cells as CSV (header first) or as a table; table cells that all read as
// numbers are aligned as tabulate aligns numbers. Appends to `out`.
void format_rows(std::string& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows, bool pretty);

// Writes frames one after the other into `out`: one CSV (header once), or one table per
// frame. `drain` is called whenever `out` holds enough to be written; it returns false
// once the reader is gone, which stops the writer.
class TableWriter {
 public:
  TableWriter(std::string& out, std::vector<std::string> names, bool pretty, std::function<bool()> drain)
      : out_(out), names_(std::move(names)), pretty_(pretty), drain_(std::move(drain)) {}
  void frame(const Frame& f);
  // Writes the header if no frame came.
  void finish();

 private:
  bool drain();
  std::string& out_;
  std::vector<std::string> names_;
  bool pretty_;
  std::function<bool()> drain_;
  bool header_done_ = false;
  bool open_ = true;
};

}  // namespace lakota::text
