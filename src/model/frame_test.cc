#include "lakota/model/frame.h"
#include "lakota/model/parse.h"
#include "lakota/model/time.h"

#include <gtest/gtest.h>

#include <cstring>

#include "lakota/error.h"

namespace lakota {
namespace {

const DType kTs = DType::parse("timestamp");

TEST(DType, ParsesAliasesAndNumpyNames) {
  EXPECT_EQ(DType::parse("timestamp").name(), "datetime64[s]");
  EXPECT_EQ(DType::parse("date").name(), "datetime64[D]");
  EXPECT_EQ(DType::parse("float").name(), "float64");
  EXPECT_EQ(DType::parse("int").name(), "int64");
  EXPECT_EQ(DType::parse("str").name(), "<U0");
  EXPECT_EQ(DType::parse("O").name(), "object");
  EXPECT_EQ(DType::parse("<f4").name(), "float32");
  EXPECT_EQ(DType::parse("M8[ms]").name(), "datetime64[ms]");
  EXPECT_EQ(DType::parse("uint16").name(), "uint16");
  EXPECT_EQ(DType::parse("bool").name(), "bool");
  EXPECT_THROW(DType::parse("datetime64[Y]"), InvalidInput);
  EXPECT_THROW(DType::parse(">i8"), InvalidInput);
  EXPECT_THROW(DType::parse("complex64"), InvalidInput);
}

TEST(Times, ParseIsoForms) {
  EXPECT_EQ(parse_time("2020-06-22", kTs, ""), 1592784000);
  EXPECT_EQ(parse_time("2020-06-22T00:00", kTs, ""), 1592784000);
  EXPECT_EQ(parse_time("2020-06-22 00:00:00", kTs, ""), 1592784000);
  EXPECT_EQ(parse_time("2020-06-22T01:00:00+01:00", kTs, ""), 1592784000);
  EXPECT_EQ(parse_time("2020-06-21T23:00Z", kTs, ""), 1592780400);
  EXPECT_EQ(parse_time("1969-12-31T23:59:59", kTs, ""), -1);
  EXPECT_EQ(parse_time("2020-06-22T00:00:00.250", DType::parse("M8[ms]"), ""), 1592784000250);
  EXPECT_EQ(parse_time("2020-06-22", DType::parse("date"), ""), 18435);
  EXPECT_THROW(parse_time("2020-06-22T00:00:00.5", kTs, ""), InvalidInput);  // finer than the unit
  EXPECT_THROW(parse_time("2020-02-30", kTs, ""), InvalidInput);
  EXPECT_THROW(parse_time("22/06/2020", kTs, ""), InvalidInput);
}

TEST(Times, FormatAsNumpyPrints) {
  EXPECT_EQ(format_time(1592784000, kTs), "2020-06-22T00:00:00");
  EXPECT_EQ(format_time(18435, DType::parse("date")), "2020-06-22");
  EXPECT_EQ(format_time(1592784000250, DType::parse("M8[ms]")), "2020-06-22T00:00:00.250");
  EXPECT_EQ(format_time(-1, kTs), "1969-12-31T23:59:59");
  EXPECT_EQ(format_time(INT64_MIN, kTs), "NaT");
}

TEST(Bounds, RoundTowardsTheInsideOfTheRange) {
  DType day = DType::parse("date");
  bool inclusive = false;
  EXPECT_EQ(std::get<int64_t>(parse_bound("2020-06-24T12:00", day, true, inclusive, "")), 18438);  // 06-25
  EXPECT_TRUE(inclusive);
  EXPECT_EQ(std::get<int64_t>(parse_bound("2020-06-24T12:00", day, false, inclusive, "")), 18437);  // 06-24
  EXPECT_EQ(std::get<int64_t>(parse_bound("2020-06-24", day, true, inclusive, "")), 18437);
  EXPECT_FALSE(inclusive);
}

// Parts that lie end to end in one owner's memory join without a copy; others are copied.
TEST(Buffers, ZeroedOnesAreZerosWhateverTheHeapHeld) {
  // Large ones are a mapping of their own; the heap's recycled memory must never show.
  for (size_t n : {size_t(100), size_t(3) << 20, size_t(5) << 20, size_t(33) << 20}) {
    {
      Buffer dirty(n);
      std::memset(dirty.bytes.get(), 0xAB, n);
    }
    Buffer b(n, Buffer::Zeroed{});
    ASSERT_EQ(b.size, n);
    auto* p = reinterpret_cast<const unsigned char*>(b.bytes.get());
    for (size_t i = 0; i < n; i += 4093) ASSERT_EQ(p[i], 0) << "byte " << i << " of " << n;
    ASSERT_EQ(p[n - 1], 0);
    std::memset(b.bytes.get(), 1, n);  // all of it is ours to write
    b.size = n / 2;                    // a size changed later frees the whole of it still
  }
}

TEST(Columns, ConcatOfAdjacentViewsIsAView) {
  const DType f8 = DType::parse("float");
  auto whole = std::make_shared<Buffer>(6 * sizeof(double));
  auto* at = reinterpret_cast<double*>(whole->bytes.get());
  for (int i = 0; i < 6; ++i) at[i] = i;
  auto view = [&](size_t from, size_t n) {
    return Column(f8, std::make_shared<Buffer>(whole->bytes.get() + from * 8, n * 8, Buffer::View{}, whole), n);
  };
  Column joined = Column::concat({view(0, 2), view(2, 1), view(3, 3)});
  EXPECT_EQ(joined.data(), whole->bytes.get());
  EXPECT_EQ(joined.size(), 6u);
  Column gap = Column::concat({view(0, 2), view(3, 3)});  // not adjacent: copied
  EXPECT_NE(gap.data(), whole->bytes.get());
  auto values = gap.values<double>();
  EXPECT_EQ(std::vector<double>(values.begin(), values.end()), (std::vector<double>{0, 1, 3, 4, 5}));
  Column own = Column::from_vector(f8, std::vector<double>{7});  // a buffer of its own
  EXPECT_EQ(Column::concat({view(0, 1), own}).values<double>()[1], 7);
}

TEST(Columns, StringWidthsFollowNumpy) {
  Column c = Column::strings({"a", "Brussels", "é"});
  EXPECT_EQ(c.width(), 8u);
  EXPECT_EQ(c.slice(0, 1).width(), 8u);  // a slice keeps its width
  EXPECT_EQ(Column::strings({""}).width(), 1u);
  EXPECT_EQ(Column::strings({"éé"}).width(), 2u);  // code points, not bytes
  Column joined = Column::concat({Column::strings({"ab"}), Column::strings({"abcd"})});
  EXPECT_EQ(joined.width(), 4u);
}

TEST(Frames, ConformCastsAndChecks) {
  Schema schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  Frame in({"value", "timestamp"}, {Column::from_vector(DType::parse("int"), std::vector<int64_t>{1, 2}),
                                    Column::strings({"2020-01-01", "2020-01-02"})});
  Frame f = conform(schema, in);
  EXPECT_EQ(f.names(), (std::vector<std::string>{"timestamp", "value"}));
  EXPECT_EQ(f["value"].values<double>()[1], 2.0);
  EXPECT_NO_THROW(check_sorted(schema, f, "s"));
  Frame bad({"timestamp", "value"}, {Column::strings({"2020-01-02", "2020-01-01"}), Column::strings({"1", "2"})});
  EXPECT_THROW(check_sorted(schema, conform(schema, bad), "s"), InvalidInput);
  Frame fractional({"timestamp", "value"}, {Column::strings({"2020-01-01"}), Column::strings({"x"})});
  EXPECT_THROW(conform(schema, fractional), InvalidInput);
  Schema ints = Schema::parse({{"id", "int*"}});
  EXPECT_THROW(conform(ints, Frame({"id"}, {Column::from_vector(DType::parse("float"), std::vector<double>{1.5})})),
               InvalidInput);
}

TEST(Schemas, ParseDefinitionsAndCodecs) {
  auto c = ColumnDef::parse("v", "float32 | zstd");
  EXPECT_EQ(c.codecs, (std::vector<std::string>{"zstd"}));
  EXPECT_FALSE(c.idx);
  auto i = ColumnDef::parse("t", "M8[ms]*|blosc zstd");
  EXPECT_TRUE(i.idx);
  EXPECT_EQ(i.codecs, (std::vector<std::string>{"blosc", "zstd"}));
  EXPECT_EQ(ColumnDef::parse("s", "str").codecs, (std::vector<std::string>{"msgpack2", "zstd"}));
  Schema s = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  EXPECT_EQ(s.to_json().dump(),
            R"({"kind":null,"columns":{"timestamp":{"dt":"datetime64[s]","codecs":["blosc"],"idx":true},)"
            R"("value":{"dt":"float64","codecs":["blosc"],"idx":false}}})");
  EXPECT_EQ(Schema::from_json(s.to_json()), s);
  EXPECT_THROW(Schema::parse({{"a", "int*"}, {"a", "int"}}), InvalidInput);
  // Nothing after '|': the default codecs, as the reference reads it.
  EXPECT_EQ(ColumnDef::parse("a", "int |").codecs, std::vector<std::string>{"blosc"});
  EXPECT_EQ(ColumnDef::parse("a", "str |").codecs, (std::vector<std::string>{"msgpack2", "zstd"}));
  EXPECT_EQ(ColumnDef::parse("a", "str|vlen-utf8 gzip").codecs, (std::vector<std::string>{"vlen-utf8", "gzip"}));
  EXPECT_THROW(Schema::parse({{"a", "int*|vlen-utf8"}}), InvalidInput);
  EXPECT_THROW(Schema::parse({{"a", "str*|gzip vlen-utf8"}}), InvalidInput);
}

}  // namespace
}  // namespace lakota
