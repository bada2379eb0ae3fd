// Text that every front end (command line, Python, server) reads and prints, kept free of the
// engine so that it can be checked against the reference (Python lakota) byte for byte:
//  - floats printed as Python's repr(), numpy's str(float32) and format(v, "g") print them;
//  - a streaming CSV reader and a CSV writer that behave like Python's csv module;
//  - tables in the "simple" format of the Python `tabulate` library (what `lakota -P` prints).
// Every function here is pure (no global state); CsvReader only touches its own stream, so
// distinct readers may be used from distinct threads.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace lakota::text {

// Python's repr() of a float64: the shortest digits that read back as the same double; fixed
// notation when the decimal exponent is in [-4, 16), scientific otherwise ("1e-05", "1e+16",
// "1.5e+20"); integral values keep ".0" ("25.0", "-0.0"); "nan", "inf", "-inf".
std::string python_float_repr(double v);

// numpy's str() of a float32: the shortest digits that read back as the same float32, the same
// layout as python_float_repr, but numpy picks the notation from the value (scientific unless
// 1e-4 <= |v| < 1e16), so float32(1e-4), just below 1e-4, prints "1e-04".
std::string python_float32_repr(float v);

// Python's format(v, "g"), which tabulate applies to float cells: 6 significant digits, trailing
// zeros dropped, scientific when the exponent is < -4 or >= 6 ("25", "24.2", "1e+06", "nan").
std::string python_float_g(double v);

// One CSV record and the 1-based line where it starts (for error messages).
struct CsvRecord {
  std::vector<std::string> fields;
  size_t line = 0;
};

// Reads CSV from a stream the way Python's csv.reader (excel dialect) reads sys.stdin on Linux:
// RFC 4180 quoting with "" for a quote inside quotes; quoted fields may hold commas, quotes and
// line ends (kept verbatim, CRLF included); LF or CRLF line ends; a final line without line end;
// a quote inside an unquoted field is an ordinary character and text after a closing quote is
// appended to the field ("ab"c -> abc). Differences, chosen on purpose: a UTF-8 byte-order mark
// at the start is skipped, fully empty lines are skipped instead of read as [], and input that
// ends inside a quoted field is an error (Python silently keeps the partial field).
// Errors are std::runtime_error("line N: ..."):
//   "unterminated quoted field" (N is where the quoted field opens),
//   "new-line character seen in unquoted field" (a lone CR followed by more text on the line,
//   as Python reports it).
// The stream is read in chunks, so input of any size can be read record by record.
class CsvReader {
 public:
  // chunk_size: bytes read at a time (tests use tiny chunks to exercise the boundaries).
  explicit CsvReader(std::istream& in, size_t chunk_size = size_t(1) << 16);
  // Reads the next non-empty record into `out`; false at the end of the input.
  bool next(CsvRecord& out);

 private:
  enum class State { StartField, InField, InQuoted, QuoteInQuoted };
  int peek();
  int get();
  bool fill();
  void read_record(std::vector<std::string>& fields);
  void end_line(int c);
  void take_unquoted(std::string& field);
  void take_quoted(std::string& field);

  std::istream& in_;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the byte-order mark is only looked for once
  size_t line_ = 1;
};

// Appends one CSV row as Python's csv.writer (QUOTE_MINIMAL) writes it: a field is quoted only
// when it holds ',', '"', '\r' or '\n' (quotes doubled inside); a row made of a single empty field
// is written "" so that it does not read back as an empty line. Rows end with `line_end`: LF by
// default, our choice; Python writes CRLF (pass "\r\n" for byte-identical output).
void csv_write_row(std::string& out, const std::vector<std::string>& fields, std::string_view line_end = "\n");

// Width of a cell as tabulate (without the wcwidth package) measures it: code points, ANSI
// colour codes and terminal hyperlink wrappers not counted.
size_t text_width(std::string_view s);

// A table in tabulate's "simple" format, as print(tabulate(rows, headers=headers)) prints it with
// tabulate 0.8-0.10 (no trailing newline). Cells are already formatted (floats with
// python_float_g); numeric[k] says whether tabulate would see column k as numbers (int or
// float), which makes the column and its header right-aligned with tabulate's "decimal" alignment
// (cells padded on the right to the most characters after the point or 'e', then to the left);
// other columns are stripped of surrounding whitespace and left-aligned. A column is as wide as
// its header plus 2, or its widest cell. Columns are separated by two spaces, lines lose trailing
// whitespace, a line of dashes follows the header. With no rows: header line and dashes only;
// with no headers: dashes above and below the rows; with neither: "". Cells or headers holding
// line ends make every row span several lines, as tabulate does. Missing cells are "", and
// headers are padded on the left / cut to the number of columns as tabulate does.
// Not replicated: tabulate's SEPARATING_LINE rows ("\x01" cells).
std::string tabulate_simple(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                            const std::vector<bool>& numeric);

}  // namespace lakota::text
