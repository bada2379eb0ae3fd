// CSV in: a header naming every column of a schema (in any order), then rows, read into a
// frame whose values are checked and cast by the schema. Errors are InvalidInput naming
// the source, the line and the column ("stdin, line 4: ...").
#pragma once

#include <istream>
#include <string_view>

#include "lakota/api/exchange.h"
#include "lakota/model/frame.h"

namespace lakota::text {

Frame read_csv_frame(std::istream& in, const Schema& schema, std::string_view source);

// Which schemas text can fill: every column takes text (not object columns). Throws
// InvalidInput naming the column.
void check_text_schema(const Schema& schema);

// CSV as `read` prints it and `write` reads it: the file format of export and import.
FileFormat csv_format();

}  // namespace lakota::text
