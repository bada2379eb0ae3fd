// CSV in: a header naming every column of a schema (in any order), then rows, read into a
// frame whose values are checked and cast by the schema. Errors are InvalidInput naming
// the source, the line and the column ("stdin, line 4: ...").
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string_view>

#include "lakota/api/exchange.h"
#include "lakota/model/frame.h"

namespace lakota::text {

Frame read_csv_frame(std::istream& in, const Schema& schema, std::string_view source);

// The same input in frames of at most `rows` rows each, for Series::write_parts: a frame's
// values and the text of 65,536 rows are held at a time, not the whole input's text.
class CsvFrameReader {
 public:
  CsvFrameReader(std::istream& in, const Schema& schema, std::string_view source);
  ~CsvFrameReader();
  // The next frame, none at the end of the input.
  std::optional<Frame> next(size_t rows);

 private:
  std::optional<Frame> parse(size_t rows);
  struct State;
  std::unique_ptr<State> state_;
};

// Which schemas text can fill: every column takes text (not object columns). Throws
// InvalidInput naming the column.
void check_text_schema(const Schema& schema);

// CSV as `read` prints it and `write` reads it: the file format of export and import.
FileFormat csv_format();

}  // namespace lakota::text
