// Tests of the command line's text module. Every expected string was produced by the reference
// environment (Python 3.11, numpy 1.26, tabulate 0.10): repr(float), str(numpy.float32(x)),
// format(x, "g"), csv.reader / csv.writer, and print(tabulate(rows, headers=headers)).
#include "lakota/text/text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace lakota::text {
namespace {

// ---------------------------------------------------------------------------------------------
// Floats

TEST(PythonFloatRepr, MatchesPythonRepr) {
  struct Case {
    double v;
    const char* expected;
  };
  const Case cases[] = {
      {0.1, "0.1"},
      {1e-05, "1e-05"},
      {1e16, "1e+16"},
      {1e16 - 1, "1e+16"},
      {9999999999999998.0, "9999999999999998.0"},
      {123456789012345.6, "123456789012345.6"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {NAN, "nan"},
      {-NAN, "nan"},
      {INFINITY, "inf"},
      {-INFINITY, "-inf"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {0.0001, "0.0001"},
      {0.00001, "1e-05"},
      {25.0, "25.0"},
      {24.2, "24.2"},
      {1.5e20, "1.5e+20"},
      {1e22, "1e+22"},
      {1e15, "1000000000000000.0"},
      {0.00012345, "0.00012345"},
      {-1.25e-7, "-1.25e-07"},
      {100.0, "100.0"},
      {1234567890123456.0, "1234567890123456.0"},
      {2.5, "2.5"},
      {1.0 / 3, "0.3333333333333333"},
      {0.30000000000000004, "0.30000000000000004"},
      {123456.5, "123456.5"},
      {1e-4 * 0.99999, "9.9999e-05"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {-123.0, "-123.0"},
      {1e300 * 10, "1e+301"},
  };
  for (const auto& c : cases) EXPECT_EQ(python_float_repr(c.v), c.expected) << c.expected;
}

TEST(PythonFloat32Repr, MatchesNumpyStr) {
  struct Case {
    float v;
    const char* expected;
  };
  const Case cases[] = {
      {0.1f, "0.1"},
      {1e-4f, "1e-04"},  // float32(1e-4) is just below 1e-4: numpy picks the notation on the value
      {1e-5f, "1e-05"},
      {1e16f, "1e+16"},
      {1e15f, "1000000000000000.0"},
      {9.9999e-5f, "9.9999e-05"},
      {25.0f, "25.0"},
      {-0.0f, "-0.0"},
      {16777216.0f, "16777216.0"},
      {3.4028235e38f, "3.4028235e+38"},
      {1e-45f, "1e-45"},
      {1.0f / 3, "0.33333334"},
      {123456789012345.6f, "123456790000000.0"},
      {1234567.0f, "1234567.0"},
      {0.00012345f, "0.00012345"},
      {1.5e20f, "1.5e+20"},
      {NAN, "nan"},
      {INFINITY, "inf"},
      {-INFINITY, "-inf"},
      {24.2f, "24.2"},
      {100.0f, "100.0"},
  };
  for (const auto& c : cases) EXPECT_EQ(python_float32_repr(c.v), c.expected) << c.expected;
}

TEST(PythonFloatG, MatchesPythonFormatG) {
  struct Case {
    double v;
    const char* expected;
  };
  const Case cases[] = {
      {25.0, "25"},
      {24.2, "24.2"},
      {1e6, "1e+06"},
      {999999.0, "999999"},
      {999999.5, "1e+06"},
      {123456.5, "123456"},  // ties to even
      {1234567.0, "1.23457e+06"},
      {0.0001, "0.0001"},
      {0.00001234, "1.234e-05"},
      {1e-5, "1e-05"},
      {-0.0, "-0"},
      {0.0, "0"},
      {NAN, "nan"},
      {-NAN, "nan"},
      {INFINITY, "inf"},
      {-INFINITY, "-inf"},
      {5e-324, "4.94066e-324"},
      {1.7976931348623157e308, "1.79769e+308"},
      {0.1, "0.1"},
      {1.0 / 3, "0.333333"},
      {100.0, "100"},
      {1e16, "1e+16"},
      {-2.5e-7, "-2.5e-07"},
      {123456789012345.6, "1.23457e+14"},
      {double(0.1f), "0.1"},
  };
  for (const auto& c : cases) EXPECT_EQ(python_float_g(c.v), c.expected) << c.expected;
}

// ---------------------------------------------------------------------------------------------
// CSV reading

std::vector<CsvRecord> read_all(const std::string& text, size_t chunk = 1 << 16) {
  std::istringstream in(text);
  CsvReader reader(in, chunk);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  while (reader.next(rec)) out.push_back(rec);
  return out;
}

using Fields = std::vector<std::string>;

void expect_records(const std::string& text, const std::vector<std::pair<size_t, Fields>>& expected) {
  for (size_t chunk : {size_t(1), size_t(2), size_t(5), size_t(1) << 16}) {
    auto got = read_all(text, chunk);
    ASSERT_EQ(got.size(), expected.size()) << "chunk " << chunk;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].line, expected[i].first) << "record " << i << " chunk " << chunk;
      EXPECT_EQ(got[i].fields, expected[i].second) << "record " << i << " chunk " << chunk;
    }
  }
}

std::string read_error(const std::string& text) {
  try {
    read_all(text, 3);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, LfAndCrlf) {
  expect_records("a,b\n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}});
  expect_records("a,b\r\n1,2\r\n", {{1, {"a", "b"}}, {2, {"1", "2"}}});
}

TEST(CsvReader, NoFinalLineEnd) {
  expect_records("a,b\n1,2", {{1, {"a", "b"}}, {2, {"1", "2"}}});
  expect_records("a\r", {{1, {"a"}}});
  expect_records("a,", {{1, {"a", ""}}});
}

TEST(CsvReader, ByteOrderMarkSkippedAtStartOnly) {
  expect_records("\xEF\xBB\xBF" "a,b\n1,2\n", {{1, {"a", "b"}}, {2, {"1", "2"}}});
  expect_records("a,\xEF\xBB\xBF\n", {{1, {"a", "\xEF\xBB\xBF"}}});
  expect_records("\xEF\xBB\xBF", {});
  expect_records("", {});
}

TEST(CsvReader, QuotedFields) {
  expect_records("a,\"b,c\"\n\"x\"\"y\",2", {{1, {"a", "b,c"}}, {2, {"x\"y", "2"}}});
  // A record starting on line 1 and spanning two lines; the next starts on line 3.
  expect_records("\"multi\nline\",1\n2,3\n", {{1, {"multi\nline", "1"}}, {3, {"2", "3"}}});
  // Line ends inside quotes are kept verbatim, CRLF included (Python on Linux does not translate).
  expect_records("\"a\r\nb\"\r\nc\r\n", {{1, {"a\r\nb"}}, {3, {"c"}}});
  expect_records("\"\"\n", {{1, {""}}});
  expect_records("\"\",\"\"\n", {{1, {"", ""}}});
}

TEST(CsvReader, PythonQuirksKept) {
  expect_records("a\"b,c\n", {{1, {"a\"b", "c"}}});   // quote inside an unquoted field
  expect_records("\"ab\"c,d\n", {{1, {"abc", "d"}}});  // text after the closing quote
  expect_records(" \"a\" ,b\n", {{1, {" \"a\" ", "b"}}});
  expect_records(" \n", {{1, {" "}}});  // only fully empty lines are skipped
  expect_records("a,\n,b\n", {{1, {"a", ""}}, {2, {"", "b"}}});
}

TEST(CsvReader, EmptyLinesSkipped) {
  expect_records("\n\na\n\r\n\nb", {{3, {"a"}}, {6, {"b"}}});
  expect_records("\n\n", {});
}

TEST(CsvReader, Errors) {
  EXPECT_EQ(read_error("a,b\n1,\"open\nmore"), "line 2: unterminated quoted field");
  EXPECT_EQ(read_error("\"x\"\"\n"), "line 1: unterminated quoted field");
  EXPECT_EQ(read_error("a\n\n\"b\rc\n"), "line 3: unterminated quoted field");
  EXPECT_EQ(read_error("a\rb\n"), "line 1: new-line character seen in unquoted field");
  EXPECT_EQ(read_error("a\nb\r\rc\n"), "line 2: new-line character seen in unquoted field");
}

TEST(CsvReader, RecordsBeforeAnErrorAreRead) {
  std::istringstream in("a,b\n\"x");
  CsvReader reader(in);
  CsvRecord rec;
  ASSERT_TRUE(reader.next(rec));
  EXPECT_EQ(rec.fields, (Fields{"a", "b"}));
  EXPECT_THROW(reader.next(rec), std::runtime_error);
}

TEST(CsvReader, LargeQuotedFieldAcrossChunks) {
  std::string big;
  for (int i = 0; i < 50000; ++i) big += i % 10 == 9 ? '\n' : char('a' + i % 26);
  std::string text = "h\n\"" + big + "\",\"q\"\"\"\nlast\n";
  auto got = read_all(text, 4096);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1].fields, (Fields{big, "q\""}));
  EXPECT_EQ(got[1].line, 2u);
  EXPECT_EQ(got[2].line, 2u + 5000 + 1);
  EXPECT_EQ(got[2].fields, (Fields{"last"}));
}

// ---------------------------------------------------------------------------------------------
// CSV writing

std::string row(const std::vector<std::string>& fields, std::string_view end = "\n") {
  std::string out;
  csv_write_row(out, fields, end);
  return out;
}

TEST(CsvWrite, QuoteMinimalLikePython) {
  // csv.writer(...).writerow(...) with Python's own CRLF line end.
  EXPECT_EQ(row({"a", "b c", "x,y", "q\"q", "l\nm", "r\rs", "", " lead", "tab\tx"}, "\r\n"),
            "a,b c,\"x,y\",\"q\"\"q\",\"l\nm\",\"r\rs\",, lead,tab\tx\r\n");
  EXPECT_EQ(row({""}, "\r\n"), "\"\"\r\n");
  EXPECT_EQ(row({}, "\r\n"), "\r\n");
  EXPECT_EQ(row({"", ""}, "\r\n"), ",\r\n");
  EXPECT_EQ(row({"\""}, "\r\n"), "\"\"\"\"\r\n");
  EXPECT_EQ(row({"\xc3\xa9", "#", "'", ";"}, "\r\n"), "\xc3\xa9,#,',;\r\n");
}

TEST(CsvWrite, DefaultsToLf) {
  EXPECT_EQ(row({"timestamp", "value"}), "timestamp,value\n");
  std::string out;
  csv_write_row(out, {"a"});
  csv_write_row(out, {"b,c"});
  EXPECT_EQ(out, "a\n\"b,c\"\n");
}

TEST(CsvWrite, ReadsBack) {
  std::vector<std::vector<std::string>> rows = {{"a", "b"}, {""}, {"x\"y", "1,2", "l\r\nm"}, {"", ""}};
  std::string text;
  for (const auto& r : rows) csv_write_row(text, r);
  auto got = read_all(text);
  ASSERT_EQ(got.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(got[i].fields, rows[i]);
}

// ---------------------------------------------------------------------------------------------
// tabulate

struct TableCase {
  const char* name;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric;
  const char* expected;
};

// Cells as tabulate formats them (floats with "g"); numeric as tabulate types the columns.
const TableCase kTables[] = {
    {"doc float column", {"timestamp", "value"}, {{"2020-06-22T00:00:00", "25"}, {"2020-06-23T00:00:00", "24"}},
     {false, true},
     "timestamp              value\n-------------------  -------\n2020-06-22T00:00:00       25\n2020-06-23T00:00:00       24"},
    {"int and str columns", {"id", "label"}, {{"1", "one"}, {"2", "two"}}, {true, false},
     "  id  label\n----  -------\n   1  one\n   2  two"},
    {"decimal alignment with nan and inf",
     {"value"},
     {{"25"}, {"24.2"}, {"nan"}, {"inf"}, {"1e+06"}, {"-inf"}, {"1.5e-07"}},
     {true},
     "     value\n----------\n  25\n  24.2\n nan\n inf\n   1e+06\n-inf\n   1.5e-07"},
    {"ints and floats mixed", {"verylongheader", "b"}, {{"1", "2.5"}, {"10", "3.25"}, {"-300", "0.001"}}, {true, true},
     "  verylongheader      b\n----------------  -----\n               1  2.5\n              10  3.25\n            -300  0.001"},
    {"negative ints", {"n"}, {{"-5"}, {"10"}, {"100"}}, {true}, "  n\n---\n -5\n 10\n100"},
    {"int column with nan", {"x"}, {{"1"}, {"nan"}, {"22"}}, {true}, "  x\n---\n  1\nnan\n 22"},
    {"bools are text", {"flag"}, {{"True"}, {"False"}}, {false}, "flag\n------\nTrue\nFalse"},
    {"unicode widths", {"\xc3\xbc", "h"}, {{"\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"}, {"abcd", "x"}},
     {false, false}, "\xc3\xbc     h\n----  ---\n\xc3\xa9     \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\nabcd  x"},
    {"whitespace", {"t", "n"}, {{"  pad  ", " 5 "}}, {false, true}, "t      n\n---  ---\npad   5"},
    {"empty cells", {"a", "b"}, {{"", "1.5"}, {"x", ""}}, {false, true}, "a      b\n---  ---\n     1.5\nx"},
    {"no headers", {}, {{"1", "x"}, {"22", "yy"}}, {true, false}, "--  --\n 1  x\n22  yy\n--  --"},
    {"fewer headers than columns", {"b"}, {{"1", "2"}}, {true, true}, "      b\n--  ---\n 1    2"},
    {"more headers than columns", {"a", "b"}, {{"1"}}, {true}, "  a\n---\n  1"},
    {"ragged rows", {"n", "s"}, {{"1", "a"}, {"2"}}, {true, false}, "  n  s\n---  ---\n  1  a\n  2"},
    {"multiline", {"h1", "h\nx"}, {{"a\nbb", "1"}, {"c", "22"}}, {false, true},
     "h1      h\n        x\n----  ---\na       1\nbb\nc      22"},
    // tabulate drops a row whose cells are all empty in multi-line layout.
    {"multiline empty cell", {"x", "y"}, {{"a\nb", ""}, {"", ""}, {"c", "d"}}, {false, false},
     "x    y\n---  ---\na\nb\nc    d"},
    {"ansi colour", {"c", "d"}, {{"a\x1b[31mred\x1b[0m", "1"}}, {false, true},
     "c       d\n----  ---\na\x1b[31mred\x1b[0m    1"},
    {"ansi colour multiline quirk", {"t", "n"}, {{"a\x1b[31mp\x0bq\x1b[0m", "1"}, {"b\nc", "2"}}, {false, true},
     "t           n\n--------  ---\na\x1b[31mp          1\nb       2\nc"},
    {"unicode whitespace stripped", {"x\xc2\xa0"}, {{"a\xc2\xa0"}}, {false}, "x\n----\na"},
    {"numbers as text", {"s"}, {{"1000.5"}, {"7"}, {"1e+06"}}, {true}, "       s\n--------\n1000.5\n   7\n   1e+06"},
    // What tabulate's _afterpoint counts: thousands separators, underscores, surrounding spaces,
    // and strings float() reads but tabulate does not take as numbers.
    {"afterpoint rules",
     {"v"},
     {{"1,000.5"}, {"1_000"}, {"12,345"}, {"Infinity"}, {"1e999"}, {" 2.25 "}},
     {true},
     "           v\n------------\n   1,000.5\n   1_000\n  12,345\nInfinity\n   1e999\n       2.25"},
    {"no rows", {"a", "bb", "ccc"}, {}, {}, "a    bb    ccc\n---  ----  -----"},
    {"no rows numeric ignored", {"id", "value"}, {}, {true, true}, "id    value\n----  -------"},
    {"no rows unicode", {"\xc3\xbc", "timestamp"}, {}, {}, "\xc3\xbc    timestamp\n---  -----------"},
    {"rows without cells", {"a"}, {{}}, {}, "a\n---"},
    {"nothing", {}, {}, {}, ""},
};

TEST(TabulateSimple, MatchesTabulate) {
  for (const auto& c : kTables) EXPECT_EQ(tabulate_simple(c.headers, c.rows, c.numeric), c.expected) << c.name;
}

TEST(TabulateSimple, MissingNumericFlagsMeanText) {
  EXPECT_EQ(tabulate_simple({"a", "b"}, {{"1", "2"}}, {true}), "  a  b\n---  ---\n  1  2");
}

TEST(TextWidth, CountsCodePointsWithoutAnsi) {
  EXPECT_EQ(text_width(""), 0u);
  EXPECT_EQ(text_width("abc"), 3u);
  EXPECT_EQ(text_width("\xc3\xa9t\xc3\xa9"), 3u);
  EXPECT_EQ(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 2u);  // no wcwidth: wide characters count 1
  EXPECT_EQ(text_width("\x1b[1;31mred\x1b[0m"), 3u);
  EXPECT_EQ(text_width("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\"), 4u);
  EXPECT_EQ(text_width("\x1b[31"), 4u);  // not a complete sequence: counted
}

}  // namespace
}  // namespace lakota::text
