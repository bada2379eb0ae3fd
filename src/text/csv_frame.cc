#include "lakota/text/csv_frame.h"

#include <set>
#include <sstream>

#include "lakota/error.h"
#include "lakota/model/parse.h"
#include "lakota/text/table.h"
#include "lakota/text/text.h"

namespace lakota::text {
namespace {

std::string joined(const std::vector<std::string>& names, const char* sep) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : sep) + n;
  return s;
}

}  // namespace

void check_text_schema(const Schema& schema) {
  for (const auto& c : schema.columns()) {
    if (c.dtype.kind == Kind::Object) {
      throw InvalidInput("column '" + c.name + "': object columns cannot be written from text (use str)");
    }
  }
}

Frame read_csv_frame(std::istream& in, const Schema& schema, std::string_view source) {
  const std::string src(source);
  CsvReader csv(in);
  // The reader's errors ("line N: ...") are errors in the user's input.
  auto next = [&](CsvRecord& rec) {
    try {
      return csv.next(rec);
    } catch (const std::runtime_error& e) {
      throw InvalidInput(src + ", " + e.what());
    }
  };
  CsvRecord header;
  if (!next(header)) throw InvalidInput(src + ": no CSV header (expected the columns " + joined(schema.names(), ",") + ")");
  const std::vector<std::string>& names = header.fields;
  std::set<std::string> seen;
  std::string at = src + ", line " + std::to_string(header.line) + ": ";
  for (const auto& n : names) {
    if (!schema.find(n)) {
      throw InvalidInput(at + "column '" + n + "' is not in the schema (" + joined(schema.names(), ", ") + ")");
    }
    if (!seen.insert(n).second) throw InvalidInput(at + "column '" + n + "' appears twice");
  }
  for (const auto& n : schema.names())
    if (!seen.count(n)) throw InvalidInput(at + "missing column '" + n + "'");
  std::vector<std::vector<std::string>> texts(names.size());
  CsvRecord rec;
  while (next(rec)) {
    if (rec.fields.size() != names.size()) {
      throw InvalidInput(src + ", line " + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                         " fields, the header has " + std::to_string(names.size()));
    }
    for (size_t k = 0; k < names.size(); ++k) texts[k].push_back(std::move(rec.fields[k]));
  }
  std::vector<Column> cols;
  for (size_t k = 0; k < names.size(); ++k) {
    try {
      cols.push_back(parse_column(schema[schema.position(names[k])], texts[k]));
    } catch (const InvalidInput& e) {
      throw InvalidInput(src + ": " + e.what());
    }
  }
  return conform(schema, Frame(names, std::move(cols)));
}

FileFormat csv_format() {
  FileFormat f;
  f.extension = "csv";
  f.write = [](const Frame& frame) {
    std::string out;
    TableWriter w(out, frame.names(), false, [] { return true; });
    w.frame(frame);
    w.finish();
    return out;
  };
  f.read = [](std::string_view bytes, const Schema& schema, const std::string& source) {
    std::istringstream in{std::string(bytes)};
    return read_csv_frame(in, schema, source);
  };
  return f;
}

}  // namespace lakota::text
