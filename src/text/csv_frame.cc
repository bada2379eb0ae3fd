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

struct CsvFrameReader::State {
  State(std::istream& in, const Schema& schema, std::string_view source) : csv(in), schema(schema), src(source) {}
  CsvReader csv;
  const Schema& schema;
  std::string src;
  std::vector<std::string> names;
  size_t rows_read = 0;  // data rows before this frame
  bool done = false;

  // The reader's errors ("line N: ...") are errors in the user's input.
  bool next(CsvRecord& rec) {
    try {
      return csv.next(rec);
    } catch (const std::runtime_error& e) {
      throw InvalidInput(src + ", " + e.what());
    }
  }
};

CsvFrameReader::CsvFrameReader(std::istream& in, const Schema& schema, std::string_view source)
    : state_(std::make_unique<State>(in, schema, source)) {
  State& st = *state_;
  CsvRecord header;
  if (!st.next(header)) {
    throw InvalidInput(st.src + ": no CSV header (expected the columns " + joined(schema.names(), ",") + ")");
  }
  st.names = std::move(header.fields);
  std::set<std::string> seen;
  std::string at = st.src + ", line " + std::to_string(header.line) + ": ";
  for (const auto& n : st.names) {
    if (!schema.find(n)) {
      throw InvalidInput(at + "column '" + n + "' is not in the schema (" + joined(schema.names(), ", ") + ")");
    }
    if (!seen.insert(n).second) throw InvalidInput(at + "column '" + n + "' appears twice");
  }
  for (const auto& n : schema.names())
    if (!seen.count(n)) throw InvalidInput(at + "missing column '" + n + "'");
}

CsvFrameReader::~CsvFrameReader() = default;

std::optional<Frame> CsvFrameReader::next(size_t rows) {
  rows = std::max<size_t>(rows, 1);  // none only at the end of the input
  std::vector<Frame> parts;
  size_t count = 0;
  while (count < rows) {
    auto part = parse(std::min<size_t>(rows - count, 65536));
    if (!part) break;
    count += part->size();
    parts.push_back(std::move(*part));
  }
  if (parts.empty()) return std::nullopt;
  if (parts.size() == 1) return std::move(parts[0]);
  return Frame::concat(parts);
}

std::optional<Frame> CsvFrameReader::parse(size_t rows) {
  State& st = *state_;
  if (st.done) return std::nullopt;
  const auto& names = st.names;
  // The cells of each column end to end in one string (no allocation per cell).
  std::vector<std::string> text(names.size());
  std::vector<std::vector<size_t>> ends(names.size());
  CsvRecord rec;
  size_t count = 0;
  while (count < rows) {
    if (!st.next(rec)) {
      st.done = true;
      break;
    }
    if (rec.fields.size() != names.size()) {
      throw InvalidInput(st.src + ", line " + std::to_string(rec.line) + ": " + std::to_string(rec.fields.size()) +
                         " fields, the header has " + std::to_string(names.size()));
    }
    for (size_t k = 0; k < names.size(); ++k) {
      text[k] += rec.fields[k];
      ends[k].push_back(text[k].size());
    }
    ++count;
  }
  if (count == 0) return std::nullopt;
  std::vector<Column> cols;
  size_t first = st.rows_read;
  st.rows_read += count;
  for (size_t k = 0; k < names.size(); ++k) {
    std::vector<std::string_view> cells(count);
    for (size_t i = 0, at = 0; i < count; at = ends[k][i++]) cells[i] = std::string_view(text[k]).substr(at, ends[k][i] - at);
    try {
      cols.push_back(parse_column(st.schema[st.schema.position(names[k])], cells, first + 1));
    } catch (const InvalidInput& e) {
      throw InvalidInput(st.src + ": " + e.what());
    }
    std::string().swap(text[k]);  // the text goes as soon as its column is parsed
    std::vector<size_t>().swap(ends[k]);
  }
  return conform(st.schema, Frame(names, std::move(cols)));
}

Frame read_csv_frame(std::istream& in, const Schema& schema, std::string_view source) {
  CsvFrameReader reader(in, schema, source);
  std::vector<Frame> parts;
  while (auto f = reader.next(SIZE_MAX)) parts.push_back(std::move(*f));
  if (parts.empty()) {
    std::vector<Column> cols;
    for (const auto& c : schema.columns()) cols.emplace_back(c.dtype);
    return Frame(schema.names(), std::move(cols));
  }
  return parts[0];
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
