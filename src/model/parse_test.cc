// No value is stored wrongly without a word: ranges of times and integers, NaN and NaT in
// an index, UTF-8, exact comparisons across numeric kinds.
#include <gtest/gtest.h>

#include <cmath>

#include "lakota/error.h"
#include "lakota/model/frame.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"

namespace lakota {
namespace {

template <class F>
std::string invalid(F&& f) {
  try {
    f();
  } catch (const InvalidInput& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InvalidInput";
  return "";
}

const DType kNs = DType::parse("datetime64[ns]");

TEST(TimeRanges, NanosecondsOutsideTheirRangeAreErrors) {
  auto msg = invalid([] { parse_time("1677-01-01", kNs, "row 1, column 't'"); });
  EXPECT_NE(msg.find("row 1, column 't'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("outside the range of datetime64[ns]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1677-09-21T00:12:43.145224193"), std::string::npos) << msg;
  invalid([] { parse_time("3000-01-01", kNs, ""); });
  invalid([] { parse_time("2262-04-12", kNs, ""); });
  EXPECT_EQ(parse_time("2262-04-11T23:47:16.854775807", kNs, ""), INT64_MAX);
  EXPECT_EQ(parse_time("1677-09-21T00:12:43.145224193", kNs, ""), INT64_MIN + 1);
  // Coarser units hold far dates.
  EXPECT_EQ(format_time(parse_time("3000-01-01", DType::parse("datetime64[us]"), ""), DType::parse("datetime64[us]")),
            "3000-01-01T00:00:00.000000");
}

TEST(TimeRanges, FormattingNeverOverflows) {
  for (const char* unit : {"W", "D", "h", "m", "s", "ms", "us", "ns"}) {
    DType dt = DType::parse(std::string("datetime64[") + unit + "]");
    EXPECT_FALSE(format_time(INT64_MAX, dt).empty()) << unit;
    EXPECT_FALSE(format_time(INT64_MIN + 1, dt).empty()) << unit;
  }
  EXPECT_EQ(format_time(INT64_MAX, kNs), "2262-04-11T23:47:16.854775807");
}

TEST(TimeRanges, CastsBetweenUnitsAreChecked) {
  Schema ns = Schema::parse({{"t", "datetime64[ns]*"}});
  DType days = DType::parse("date");
  Frame far({"t"}, {Column::from_vector(days, std::vector<int64_t>{365 * 1000})});  // year 2969
  auto msg = invalid([&] { conform(ns, far); });
  EXPECT_NE(msg.find("outside the range of datetime64[ns]"), std::string::npos) << msg;
}

TEST(IntegerRanges, NarrowingCastsAreChecked) {
  Schema i32 = Schema::parse({{"k", "int*"}, {"x", "int32"}});
  DType f8 = DType::parse("float");
  Frame big({"k", "x"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}),
                         Column::from_vector(f8, std::vector<double>{1e20})});
  auto msg = invalid([&] { conform(i32, big); });
  EXPECT_NE(msg.find("out of range for int32"), std::string::npos) << msg;
  Frame wide({"k", "x"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}),
                          Column::from_vector(DType::parse("int"), std::vector<int64_t>{int64_t(1) << 40})});
  invalid([&] { conform(i32, wide); });
  Schema u8 = Schema::parse({{"k", "int*"}, {"x", "uint8"}});
  Frame neg({"k", "x"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}),
                         Column::from_vector(DType::parse("int"), std::vector<int64_t>{-1})});
  msg = invalid([&] { conform(u8, neg); });
  EXPECT_NE(msg.find("out of range for uint8"), std::string::npos) << msg;
  // Limits themselves fit.
  Frame edge({"k", "x"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}),
                          Column::from_vector(f8, std::vector<double>{-2147483648.0})});
  EXPECT_EQ(conform(i32, edge)["x"].values<int32_t>()[0], INT32_MIN);
}

TEST(IntegerRanges, TextOutOfRangeSaysSo) {
  auto msg = invalid([] { parse_value("-1", DType::parse("uint8"), "row 2, column 'x'"); });
  EXPECT_NE(msg.find("out of range for uint8"), std::string::npos) << msg;
  msg = invalid([] { parse_value("256", DType::parse("uint8"), ""); });
  EXPECT_NE(msg.find("out of range for uint8"), std::string::npos) << msg;
  msg = invalid([] { parse_value("1.5", DType::parse("int"), ""); });
  EXPECT_NE(msg.find("not an integer"), std::string::npos) << msg;
  EXPECT_EQ(std::get<uint64_t>(parse_value("-0", DType::parse("uint8"), "")), 0u);
  invalid([] { parse_value("+-5", DType::parse("int"), ""); });
  invalid([] { parse_value("+-5", DType::parse("float"), ""); });
  EXPECT_EQ(std::get<int64_t>(parse_value("+5", DType::parse("int"), "")), 5);
  EXPECT_TRUE(std::isinf(std::get<double>(parse_value("1e300", DType::parse("float32"), ""))));
}

TEST(IntegerRanges, IntegersRoundOnceToFloat32) {
  Schema f4 = Schema::parse({{"k", "int*"}, {"x", "float32"}});
  int64_t v = (int64_t(1) << 60) + (int64_t(1) << 36) + 1;
  Frame f({"k", "x"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}),
                       Column::from_vector(DType::parse("int"), std::vector<int64_t>{v})});
  EXPECT_EQ(conform(f4, f)["x"].values<float>()[0], float(v));  // numpy: 1152921642045800448
  EXPECT_EQ(double(conform(f4, f)["x"].values<float>()[0]), 1152921642045800448.0);
}

TEST(IndexValues, NaNAndNaTAreNeverIndexValues) {
  Schema fidx = Schema::parse({{"x", "float*"}, {"v", "float"}});
  DType f8 = DType::parse("float");
  Frame one({"x", "v"}, {Column::from_vector(f8, std::vector<double>{NAN}), Column::from_vector(f8, std::vector<double>{1})});
  auto msg = invalid([&] { check_sorted(fidx, one, "series 'c/s'"); });
  EXPECT_NE(msg.find("NaN is never an index value"), std::string::npos) << msg;
  Schema tidx = Schema::parse({{"t", "timestamp*"}, {"v", "float"}});
  Frame nat({"t", "v"}, {Column::from_vector(DType::parse("timestamp"), std::vector<int64_t>{kNaT, 5}),
                         Column::from_vector(f8, std::vector<double>{1, 2})});
  msg = invalid([&] { check_sorted(tidx, nat, "series 'c/s'"); });
  EXPECT_NE(msg.find("row 1, column 't': NaT"), std::string::npos) << msg;
  bool inclusive;
  invalid([&] { parse_bound("nan", f8, true, inclusive, "--gt"); });
  invalid([&] { parse_bound("NaT", DType::parse("timestamp"), true, inclusive, "--gt"); });
}

TEST(Strings, InvalidUtf8IsRefusedWithRowAndColumn) {
  ColumnDef def = ColumnDef::parse("name", "str");
  auto msg = invalid([&] { parse_column(def, std::vector<std::string>{"ok", "bad \xff here"}); });
  EXPECT_NE(msg.find("row 2, column 'name'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid UTF-8"), std::string::npos) << msg;
  Schema s = Schema::parse({{"k", "int*"}, {"name", "str"}});
  Frame f({"k", "name"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1}), Column::strings({"\xc0\x80"})});
  msg = invalid([&] { conform(s, f); });
  EXPECT_NE(msg.find("not valid UTF-8"), std::string::npos) << msg;
  EXPECT_EQ(utf8_error("h\xc3\xa9llo \xf0\x9f\x98\x80"), std::string::npos);
  EXPECT_EQ(utf8_error("\xed\xa0\x80"), 0u);  // a surrogate
  EXPECT_EQ(utf8_error("ab\xe2\x82"), 2u);    // cut short
}

TEST(Compare, MixedNumericKindsCompareExactly) {
  int64_t big = (int64_t(1) << 53) + 1;
  EXPECT_EQ(compare_values(Value(big), Value(uint64_t(1) << 53)), 1);
  EXPECT_EQ(compare_values(Value(uint64_t(1) << 53), Value(big)), -1);
  EXPECT_EQ(compare_values(Value(int64_t(-1)), Value(UINT64_MAX)), -1);
  EXPECT_EQ(compare_values(Value(UINT64_MAX), Value(int64_t(INT64_MAX))), 1);
  EXPECT_EQ(compare_values(Value(big), Value(double(int64_t(1) << 53))), 1);
  EXPECT_EQ(compare_values(Value(double(int64_t(1) << 53)), Value(big)), -1);
  EXPECT_EQ(compare_values(Value(int64_t(2)), Value(2.5)), -1);
  EXPECT_EQ(compare_values(Value(int64_t(-3)), Value(-2.5)), -1);
  EXPECT_EQ(compare_values(Value(int64_t(INT64_MAX)), Value(0x1p63)), -1);
  EXPECT_EQ(compare_values(Value(UINT64_MAX), Value(0x1p64)), -1);
  EXPECT_EQ(compare_values(Value(int64_t(5)), Value(double(NAN))), -1);
  EXPECT_EQ(compare_values(Value(int64_t(7)), Value(7.0)), 0);
}

}  // namespace
}  // namespace lakota
