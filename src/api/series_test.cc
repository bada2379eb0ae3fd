// Engine tests of the api layer, run on the memory pod and on the file pod.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>

#include "lakota/api/repo.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"
#include "lakota/model/time.h"
#include "test_pod.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

const DType kTs = DType::parse("timestamp");
const DType kF8 = DType::parse("float");
const DType kI8 = DType::parse("int");

Frame ts_frame(const std::vector<int64_t>& t, const std::vector<double>& v) {
  return Frame({"timestamp", "value"}, {Column::from_vector(kTs, t), Column::from_vector(kF8, v)});
}

std::vector<int64_t> ints(const Column& c) {
  auto s = c.values<int64_t>();
  return {s.begin(), s.end()};
}
std::vector<double> doubles(const Column& c) {
  auto s = c.values<double>();
  return {s.begin(), s.end()};
}

class SeriesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    pod = make_test_pod(GetParam(), "lakota-series-test-", dir);
  }
  void TearDown() override {
    if (!dir.empty()) fs::remove_all(dir);
  }
  Repo repo(RepoOptions options = {}) { return Repo(pod, options); }
  Collection temperature(Repo r) {
    return r.create_collection(Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}), "temperature", true);
  }
  size_t revisions(const Collection& c) { return c.changelog().log().size(); }
  // Writes 2,000 values that go to a segment file (too large to embed); returns them.
  std::vector<double> write_segment_values(Series& s) {
    std::vector<int64_t> t;
    std::vector<double> v;
    for (int i = 0; i < 2000; ++i) t.push_back(i), v.push_back(i * 0.37);
    s.write(ts_frame(t, v));
    return v;
  }

  PodPtr pod;
  fs::path dir;
};

TEST_P(SeriesTest, WritesAndReadsBack) {
  auto s = temperature(repo()).series("Brussels");
  s.write(ts_frame({10, 20, 30, 40}, {1, 2, 3, 4}));
  Frame f = s.read();
  EXPECT_EQ(ints(f["timestamp"]), (std::vector<int64_t>{10, 20, 30, 40}));
  EXPECT_EQ(doubles(f["value"]), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(s.length(), 4u);
  EXPECT_TRUE(s.exists());
  EXPECT_FALSE(temperature(repo()).series("Paris").exists());
}

// A large array is compressed and stored piece by piece (storage overlaps compression):
// its segment file holds what compressing it at once makes, byte for byte, and reads
// back. Also for an array that does not compress (stored as blosc stores such arrays).
TEST_P(SeriesTest, ALargeWriteStoresWhatCompressingAtOnceMakes) {
  auto c = repo().create_collection(Schema::parse({{"t", "int*"}, {"x", "float"}, {"h", "int"}}), "c");
  const size_t n = size_t(5) << 19;  // 20 MiB a column
  std::vector<int64_t> t(n), h(n);
  std::vector<double> x(n);
  uint64_t seed = 3;
  double walk = 100;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    t[i] = int64_t(i) * 10;
    x[i] = std::round((walk += double(seed >> 11) / double(1ULL << 53) - 0.5) * 1e4) / 1e4;
    uint64_t z = seed;  // splitmix64's finaliser: every bit mixed (an LCG's low bits repeat, and compress)
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    h[i] = int64_t(z ^ (z >> 31));
  }
  Frame f({"t", "x", "h"}, {Column::from_vector(DType::parse("int"), t), Column::from_vector(DType::parse("float"), x),
                            Column::from_vector(DType::parse("int"), h)});
  c.series("s").write(f);
  EXPECT_TRUE(c.series("s").read().equals(f));
  auto commit = *c.leaf_commit();
  ASSERT_EQ(commit.match("s").size(), 1u);
  for (size_t k = 0; k < 3; ++k) {
    std::string stored = pod->read(hashed_path(commit.digest(0, k)));
    EncodedColumn at_once = encode_column(c.schema()[k], f.columns()[k], RepoOptions{}.encode);
    EXPECT_EQ(at_once.digest, commit.digest(0, k)) << k;
    EXPECT_TRUE(stored == at_once.data()) << k;
    // By pieces: all but the array that does not compress.
    std::string pieces;
    auto by_pieces = encode_column_pieces(c.schema()[k], f.columns()[k], RepoOptions{}.encode,
                                          [&](uint64_t at, std::string_view b) {
                                            if (pieces.size() < at + b.size()) pieces.resize(at + b.size());
                                            std::memcpy(pieces.data() + at, b.data(), b.size());
                                          });
    ASSERT_TRUE(by_pieces.has_value()) << k;
    EXPECT_EQ(by_pieces->digest, at_once.digest) << k;
    ASSERT_EQ(by_pieces->streamed != 0, k != 2) << k;
    if (by_pieces->streamed) EXPECT_TRUE(pieces == at_once.data()) << k;
  }
  // A damaged file under the name is replaced by the next write of those values.
  std::string damaged = hashed_path(commit.digest(0, 1));
  pod->write(damaged, "damaged", true);
  c.series("s").write(f);
  EXPECT_TRUE(pod->read(damaged) == encode_column(c.schema()[1], f.columns()[1], RepoOptions{}.encode).data());
  EXPECT_TRUE(c.series("s").read().equals(f));
}

TEST_P(SeriesTest, RangeReadsOfLargeIndexesFindTheirBounds) {
  // 100,000 rows: the index is searched by blocks, by interpolation. Float bounds near the
  // limits of a double must not break the interpolation, and the answer must be exact.
  auto c = repo().create_collection(Schema::parse({{"x", "float*"}, {"v", "int"}}), "c");
  const int n = 100000;
  std::vector<double> x(n);
  std::vector<int64_t> v(n);
  for (int i = 0; i < n; ++i) {
    x[i] = double(i - n / 2) * (1.7e308 / (n / 2));  // -1.7e308 to 1.7e308: their difference overflows
    v[i] = i;
  }
  c.series("s").write(Frame({"x", "v"}, {Column::from_vector(DType::parse("float"), x), Column::from_vector(DType::parse("int"), v)}));
  for (int lo : {0, 1, 777, n / 2, n - 10}) {
    Query q;
    q.start = {x[lo]};
    q.stop = {x[std::min(lo + 5000, n - 1)]};
    Frame f = c.series("s").read(q);
    ASSERT_EQ(f.size(), size_t(std::min(lo + 5000, n - 1) - lo)) << lo;
    EXPECT_EQ(f["v"].values<int64_t>()[0], lo);
  }
}

TEST_P(SeriesTest, RangesHonourClosedFlags) {
  auto s = temperature(repo()).series("x");
  s.write(ts_frame({10, 20, 30, 40}, {1, 2, 3, 4}));
  auto read = [&](int64_t a, int64_t b, const char* closed) {
    Query q;
    q.start = {a};
    q.stop = {b};
    q.closed = Closed::parse(closed);
    return ints(s.read(q)["timestamp"]);
  };
  EXPECT_EQ(read(20, 40, "l"), (std::vector<int64_t>{20, 30}));
  EXPECT_EQ(read(20, 40, "r"), (std::vector<int64_t>{30, 40}));
  EXPECT_EQ(read(20, 40, "b"), (std::vector<int64_t>{20, 30, 40}));
  EXPECT_EQ(read(20, 40, "n"), (std::vector<int64_t>{30}));
  EXPECT_EQ(read(21, 29, "b"), (std::vector<int64_t>{}));
  Query q;
  q.stop = {30};
  EXPECT_EQ(ints(s.read(q)["timestamp"]), (std::vector<int64_t>{10, 20}));
}

TEST_P(SeriesTest, OverlappingWritesReplaceTheirRange) {
  auto s = temperature(repo()).series("x");
  s.write(ts_frame({1, 2, 3, 4, 5, 6}, {25, 24, 27, 31, 32, 30}));
  s.write(ts_frame({2, 3, 4, 5, 6, 7}, {24.2, 27.9, 31, 32.5, 30.1, 29.2}));
  EXPECT_EQ(doubles(s.read()["value"]), (std::vector<double>{25, 24.2, 27.9, 31, 32.5, 30.1, 29.2}));
  s.write(ts_frame({3, 6}, {0, 0}));  // replaces 3..6: 4 and 5 disappear
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{1, 2, 3, 6, 7}));
  EXPECT_EQ(s.length(), 5u);
}

TEST_P(SeriesTest, LimitOffsetTailAndPaginate) {
  auto s = temperature(repo()).series("x");
  for (int k = 0; k < 5; ++k) s.write(ts_frame({k * 10 + 1, k * 10 + 2}, {double(k), double(k)}));
  Query q;
  q.limit = 3;
  q.offset = 2;
  EXPECT_EQ(ints(s.read(q)["timestamp"]), (std::vector<int64_t>{11, 12, 21}));
  EXPECT_EQ(ints(s.tail(3)["timestamp"]), (std::vector<int64_t>{32, 41, 42}));
  std::vector<size_t> sizes;
  std::vector<int64_t> all;
  s.paginate(3, {}, [&](const Frame& f) {
    sizes.push_back(f.size());
    for (auto t : ints(f["timestamp"])) all.push_back(t);
    return true;
  });
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 3, 1}));
  EXPECT_EQ(all.size(), 10u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
}

TEST_P(SeriesTest, BeforeReadsAnOldState) {
  auto c = temperature(repo());
  auto s = c.series("x");
  s.write(ts_frame({1, 2}, {1, 1}));
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  s.write(ts_frame({1, 2}, {2, 2}));
  auto log = c.changelog().log();
  ASSERT_EQ(log.size(), 2u);
  Query q;
  q.before_ms = log[1].epoch_ms();
  EXPECT_EQ(doubles(s.read(q)["value"]), (std::vector<double>{1, 1}));
  q.before_ms = log[0].epoch_ms();
  EXPECT_EQ(s.read(q).size(), 0u);
  // Pages come from the same state.
  std::vector<double> seen;
  q.before_ms = log[1].epoch_ms();
  s.paginate(1, q, [&](const Frame& f) {
    seen.push_back(doubles(f["value"])[0]);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<double>{1, 1}));
}

TEST_P(SeriesTest, DeleteRangeAndUpdate) {
  auto s = temperature(repo()).series("x");
  s.write(ts_frame({1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}));
  s.delete_range({int64_t(2)}, {int64_t(3)});
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{1, 4, 5}));
  s.delete_range({int64_t(4)}, {int64_t(5)}, Closed{true, false});
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{1, 5}));
  s.update(ts_frame({1, 5}, {10, 50}));
  EXPECT_EQ(doubles(s.read()["value"]), (std::vector<double>{10, 50}));
  EXPECT_THROW(s.update(ts_frame({1, 2, 5}, {0, 0, 0})), InvalidInput);  // 2 is not stored
}

// A composite index given in another column order than the schema's still updates the rows
// it names, and the commit row covers its own data.
TEST_P(SeriesTest, UpdateTakesColumnsInAnyOrder) {
  auto c = repo().create_collection(Schema::parse({{"a", "int*"}, {"b", "int*"}, {"v", "float"}}), "grid");
  auto s = c.series("x");
  s.write(Frame({"a", "b", "v"}, {Column::from_vector(kI8, std::vector<int64_t>{1, 1, 2}),
                                  Column::from_vector(kI8, std::vector<int64_t>{5, 9, 0}),
                                  Column::from_vector(kF8, std::vector<double>{1, 2, 3})}));
  s.update(Frame({"v", "b", "a"}, {Column::from_vector(kF8, std::vector<double>{20, 30}),
                                   Column::from_vector(kI8, std::vector<int64_t>{9, 0}),
                                   Column::from_vector(kI8, std::vector<int64_t>{1, 2})}));
  EXPECT_EQ(doubles(s.read()["v"]), (std::vector<double>{1, 20, 30}));
}

TEST_P(SeriesTest, LabelsMustBeUtf8) {
  EXPECT_THROW(temperature(repo()).series("bad\xff"), InvalidInput);
  EXPECT_THROW(repo().create_collection(Schema::parse({{"x", "int*"}}), "bad\xff"), InvalidInput);
}

TEST_P(SeriesTest, NaNNeverEntersAnIndex) {
  auto c = repo().create_collection(Schema::parse({{"x", "float*"}, {"v", "float"}}), "f");
  auto s = c.series("s");
  EXPECT_THROW(s.write(Frame({"x", "v"}, {Column::from_vector(kF8, std::vector<double>{NAN}),
                                          Column::from_vector(kF8, std::vector<double>{1})})),
               InvalidInput);
  EXPECT_THROW(s.write(Frame({"x", "v"}, {Column::strings({"nan"}), Column::strings({"1"})})), InvalidInput);
  EXPECT_EQ(revisions(c), 0u);
  auto kv = repo().create_collection(Schema::kv({{"x", "float*"}, {"v", "float"}}), "kv");
  EXPECT_THROW(kv.series("s").write(Frame({"x", "v"}, {Column::from_vector(kF8, std::vector<double>{1, NAN}),
                                                       Column::from_vector(kF8, std::vector<double>{1, 2})})),
               InvalidInput);
  Query q;
  q.start = {double(NAN)};
  EXPECT_THROW(s.read(q), InvalidInput);
}

TEST_P(SeriesTest, BatchLandsAsOneCommit) {
  auto c = temperature(repo());
  auto b = c.batch();
  for (auto label : {"d", "a", "c", "b"}) b.write(label, ts_frame({1, 2}, {3, 4}));
  EXPECT_EQ(revisions(c), 0u);  // nothing visible before commit
  EXPECT_TRUE(b.commit());
  EXPECT_EQ(revisions(c), 1u);
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"a", "b", "c", "d"}));
  // Updates and range deletes join a batch too: one more commit for all of them.
  auto b2 = c.batch();
  b2.update("a", ts_frame({2}, {40}));
  b2.delete_range("b", {int64_t(1)}, {int64_t(1)});
  EXPECT_EQ(doubles(c.series("a").read()["value"]), (std::vector<double>{3, 4}));
  EXPECT_TRUE(b2.commit());
  EXPECT_EQ(revisions(c), 2u);
  EXPECT_EQ(doubles(c.series("a").read()["value"]), (std::vector<double>{3, 40}));
  EXPECT_EQ(doubles(c.series("b").read()["value"]), (std::vector<double>{4}));
  // A batch stores its segments at commit (side by side): until then, and for a batch
  // never committed, nothing is stored.
  std::vector<int64_t> t(2000);
  std::vector<double> noise(2000);
  for (int i = 0; i < 2000; ++i) t[i] = 10 + i, noise[i] = std::sin(i * 1.3) * 1e5 + i * 1e-9;
  auto files = pod->walk();
  {
    auto dropped = c.batch();
    dropped.write("e", ts_frame(t, noise));
  }
  auto b3 = c.batch();
  for (auto label : {"e", "f", "g"}) b3.write(label, ts_frame(t, noise));
  EXPECT_EQ(pod->walk(), files);
  EXPECT_TRUE(b3.commit());
  EXPECT_EQ(pod->walk().size(), files.size() + 2);  // the segment of the values (one for all three), the revision
  EXPECT_EQ(doubles(c.series("g").read()["value"]), noise);
}

TEST_P(SeriesTest, DeleteAndRenameSeries) {
  auto c = temperature(repo());
  c.series("a").write(ts_frame({1}, {1}));
  c.series("b").write(ts_frame({1}, {2}));
  c.rename_series("a", "z");
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"b", "z"}));
  EXPECT_EQ(doubles(c.series("z").read()["value"]), (std::vector<double>{1}));
  EXPECT_THROW(c.rename_series("a", "y"), NotFound);
  EXPECT_THROW(c.rename_series("b", "z"), Conflict);
  // replace: b's rows replace all of z's, in one revision
  c.series("z").write(ts_frame({5}, {5}));
  c.rename_series("b", "z", true);
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"z"}));
  EXPECT_EQ(doubles(c.series("z").read()["value"]), (std::vector<double>{2}));
  c.delete_series({"z"});
  EXPECT_TRUE(c.ls().empty());
  // Renaming the only series keeps its embedded arrays (they used to be lost)
  c.series("only").write(ts_frame({1, 2}, {7, 8}));
  c.rename_series("only", "alone");
  EXPECT_EQ(doubles(c.series("alone").read()["value"]), (std::vector<double>{7, 8}));
}

TEST_P(SeriesTest, BadWritesChangeNothing) {
  auto c = temperature(repo());
  auto s = c.series("x");
  s.write(ts_frame({1, 2}, {1, 2}));
  EXPECT_THROW(s.write(ts_frame({3, 2}, {1, 2})), InvalidInput);  // unsorted
  EXPECT_THROW(s.write(ts_frame({3, 3}, {1, 2})), InvalidInput);  // duplicated
  EXPECT_THROW(s.write(Frame({"timestamp"}, {Column::from_vector(kTs, std::vector<int64_t>{5})})), InvalidInput);
  EXPECT_THROW(s.write(Frame({"timestamp", "value", "extra"},
                             {Column::from_vector(kTs, std::vector<int64_t>{5}), Column::from_vector(kF8, std::vector<double>{1}),
                              Column::from_vector(kF8, std::vector<double>{1})})),
               InvalidInput);
  EXPECT_THROW(s.write(Frame({"timestamp", "value"}, {Column::strings({"2020-01-01"}), Column::strings({"abc"})})), InvalidInput);
  EXPECT_EQ(revisions(c), 1u);
  try {
    s.write(ts_frame({3, 2}, {1, 2}));
  } catch (const InvalidInput& e) {
    EXPECT_NE(std::string(e.what()).find("row 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("temperature/x"), std::string::npos) << e.what();
  }
}

TEST_P(SeriesTest, TextIsCastByTheSchema) {
  auto s = temperature(repo()).series("Brussels");
  s.write(Frame({"timestamp", "value"}, {Column::strings({"2020-01-01T00:00", "2020-01-02T00:00", "2020-01-03T00:00"}),
                                          Column::from_vector(kI8, std::vector<int64_t>{1, 2, 3})}));
  Query q;
  q.stop = {parse_time("2020-01-03", kTs, "")};
  Frame f = s.read(q);
  EXPECT_EQ(f.size(), 2u);
  EXPECT_EQ(doubles(f["value"]), (std::vector<double>{1, 2}));
}

TEST_P(SeriesTest, LargeWritesBecomeSeveralRowsOfOneCommit) {
  RepoOptions o;
  o.max_segment_bytes = 800;  // 100 values per segment
  auto c = temperature(repo(o));
  auto s = c.series("x");
  std::vector<int64_t> t;
  std::vector<double> v;
  for (int i = 0; i < 1050; ++i) t.push_back(i * 2), v.push_back(i);
  s.write(ts_frame(t, v));
  EXPECT_EQ(revisions(c), 1u);
  EXPECT_EQ(c.leaf_commit()->size(), 11u);
  Frame f = s.read();
  EXPECT_EQ(ints(f["timestamp"]), t);
  // A sparse overwrite over the whole range removes what it does not hold.
  s.write(ts_frame({1, 2099}, {-1, -1}));
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{0, 1, 2099}));
}

// Frames that arrive one after the other (a CSV read in parts) make one write: one
// revision whose rows continue each other, the same state as one write of them all, which
// replaces what the series held between the frames too.
TEST_P(SeriesTest, WritePartsIsOneWriteOfAllTheParts) {
  auto c = temperature(repo());
  auto s = c.series("x"), whole = c.series("whole");
  std::vector<int64_t> old_t{5, 15, 25, 35, 999};  // 15 and 25 fall between two frames
  s.write(ts_frame(old_t, {1, 1, 1, 1, 1}));
  whole.write(ts_frame(old_t, {1, 1, 1, 1, 1}));
  std::vector<Frame> parts{ts_frame({0, 1, 10}, {0, 1, 10}), ts_frame({}, {}), ts_frame({20, 30}, {20, 30}),
                           ts_frame({40}, {40})};
  size_t next = 0;
  size_t before = revisions(c);
  ASSERT_TRUE(s.write_parts([&]() -> std::optional<Frame> {
    if (next == parts.size()) return std::nullopt;
    return parts[next++];
  }));
  EXPECT_EQ(revisions(c), before + 1);
  whole.write(ts_frame({0, 1, 10, 20, 30, 40}, {0, 1, 10, 20, 30, 40}));
  EXPECT_EQ(ints(s.read()["timestamp"]), ints(whole.read()["timestamp"]));
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{0, 1, 10, 20, 30, 40, 999}));
  EXPECT_EQ(doubles(s.read()["value"]), doubles(whole.read()["value"]));
  EXPECT_FALSE(s.write_parts([] { return std::optional<Frame>(); }));  // nothing to write
}

// A frame that does not start after the previous one ends is refused, naming the row as
// one frame of them all would, and nothing is stored: not even the segments of the frames
// before it.
TEST_P(SeriesTest, WritePartsRefusesFramesOutOfOrderAndStoresNothing) {
  auto c = temperature(repo());
  auto s = c.series("x");
  s.write(ts_frame({1}, {1}));
  auto files = pod->walk();
  std::vector<double> noise(2000);
  std::vector<int64_t> t(2000);
  for (int i = 0; i < 2000; ++i) t[i] = 100 + i, noise[i] = std::sin(i * 1.7) * 1e6 + i * 1e-7;
  for (int64_t restart : {int64_t(2099), int64_t(50)}) {  // equal to the last index; before it
    std::vector<Frame> parts{ts_frame(t, noise), ts_frame({restart, 5000}, {1, 2})};
    size_t next = 0;
    std::string msg = error_of<InvalidInput>([&] {
      s.write_parts([&]() -> std::optional<Frame> {
        if (next == parts.size()) return std::nullopt;
        return parts[next++];
      });
    });
    EXPECT_NE(msg.find(restart == 2099 ? "duplicated index at rows 2000 and 2001" : "not sorted at row 2001"),
              std::string::npos) << msg;
    EXPECT_NE(msg.find("temperature/x"), std::string::npos) << msg;
  }
  // A NaT in a later frame is named by its row among all frames.
  std::vector<Frame> parts{ts_frame(t, noise), ts_frame({5000, kNaT}, {1, 2})};
  size_t next = 0;
  std::string msg = error_of<InvalidInput>([&] {
    s.write_parts([&]() -> std::optional<Frame> {
      if (next == parts.size()) return std::nullopt;
      return parts[next++];
    });
  });
  EXPECT_NE(msg.find("row 2002"), std::string::npos) << msg;
  EXPECT_EQ(pod->walk(), files);
  EXPECT_EQ(ints(s.read()["timestamp"]), (std::vector<int64_t>{1}));
}

// A full read of a series held in several rows decodes each piece into its place in one
// buffer per column: the columns it returns are that buffer, no copy of the pieces.
TEST_P(SeriesTest, PiecesAreDecodedInPlace) {
  auto c = temperature(repo());
  auto s = c.series("x");
  std::vector<int64_t> t;
  std::vector<double> v;
  for (int part = 0; part < 3; ++part) {
    std::vector<int64_t> pt(3000);
    std::vector<double> pv(3000);
    for (int i = 0; i < 3000; ++i) pt[i] = part * 3000 + i, pv[i] = std::sin((part * 3000 + i) * 1.1) * 1e6;
    s.write(ts_frame(pt, pv));
    t.insert(t.end(), pt.begin(), pt.end());
    v.insert(v.end(), pv.begin(), pv.end());
  }
  ASSERT_EQ(c.leaf_commit()->size(), 3u);
  Frame f = s.read();
  EXPECT_EQ(ints(f["timestamp"]), t);
  EXPECT_EQ(doubles(f["value"]), v);
  EXPECT_TRUE(f["value"].buffer()->owner()) << "the pieces were copied into a new buffer";
}

TEST_P(SeriesTest, KeyValueCollectionsUpsertAndDeleteKeys) {
  auto r = repo();
  auto c = r.create_collection(Schema::kv({{"key", "str*"}, {"value", "int"}}), "settings");
  auto s = c.series("main");
  auto frame = [](std::vector<std::string> k, std::vector<int64_t> v) {
    return Frame({"key", "value"}, {Column::strings(k), Column::from_vector(kI8, v)});
  };
  s.write(frame({"b", "a", "c"}, {2, 1, 3}));
  s.write(frame({"b", "d"}, {20, 4}));
  Frame f = s.read();
  EXPECT_EQ(f["key"].str(0), "a");
  EXPECT_EQ(ints(f["value"]), (std::vector<int64_t>{1, 20, 3, 4}));
  s.delete_keys({{Value(std::string("b"))}, {Value(std::string("d"))}});
  EXPECT_EQ(ints(s.read()["value"]), (std::vector<int64_t>{1, 3}));
  auto b = c.batch();
  b.write("main", frame({"c", "e"}, {30, 5}));
  b.write("other", frame({"z"}, {26}));
  EXPECT_TRUE(b.commit());
  EXPECT_EQ(ints(s.read()["value"]), (std::vector<int64_t>{1, 30, 5}));
  EXPECT_EQ(c.ls(), (std::vector<std::string>{"main", "other"}));
  size_t revs = revisions(c);
  s.write(frame({"a"}, {1}));  // already stored: no new revision
  EXPECT_EQ(revisions(c), revs);
}

TEST_P(SeriesTest, RepoManagesCollections) {
  auto r = repo();
  Schema schema = Schema::parse({{"id", "int*"}, {"x", "float"}});
  r.create_collections(schema, {"b", "a"});
  EXPECT_EQ(r.ls(), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(r.create_collection(schema, "a"), Conflict);
  EXPECT_THROW(r.create_collection(schema, " "), InvalidInput);
  r.collection("a").series("s").write(Frame({"id", "x"}, {Column::from_vector(kI8, std::vector<int64_t>{1}),
                                                           Column::from_vector(kF8, std::vector<double>{2})}));
  r.rename_collection("a", "c");
  EXPECT_EQ(r.ls(), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(r.collection("c").series("s").length(), 1u);
  std::string path = r.collection("c").path();
  r.delete_collections({"c"});
  EXPECT_EQ(r.ls(), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(pod->ls(path).empty());
  EXPECT_THROW(r.collection("c"), NotFound);
}

TEST_P(SeriesTest, OtherTypesAndCodecsRoundTrip) {
  auto r = repo();
  auto c = r.create_collection(Schema::parse({{"t", "M8[ms]*|zlib"},
                                              {"a", "float32|zstd"},
                                              {"b", "int16|lz4"},
                                              {"c", "bool|gzip"},
                                              {"d", "uint8|bz2"},
                                              {"e", "float|lzma"},
                                              {"f", "int32|blosc zstd"},
                                              {"g", "str"}}),
                               "types");
  size_t n = 3000;
  std::vector<int64_t> t;
  std::vector<float> a;
  std::vector<int16_t> b;
  std::vector<uint8_t> cc, d;
  std::vector<double> e;
  std::vector<int32_t> f;
  std::vector<std::string> g;
  for (size_t i = 0; i < n; ++i) {
    t.push_back(1600000000000 + i * 250);
    a.push_back(float(i) / 3);
    b.push_back(int16_t(i * 7));
    cc.push_back(i % 3 == 0);
    d.push_back(uint8_t(i));
    e.push_back(i * 1.5);
    f.push_back(int32_t(i) - 100);
    g.push_back("s" + std::to_string(i % 17));
  }
  const auto& sch = c.schema();
  Frame in(sch.names(), {Column::from_vector(sch[0].dtype, t), Column::from_vector(sch[1].dtype, a),
                         Column::from_vector(sch[2].dtype, b), Column::from_vector(sch[3].dtype, cc),
                         Column::from_vector(sch[4].dtype, d), Column::from_vector(sch[5].dtype, e),
                         Column::from_vector(sch[6].dtype, f), Column::strings(g)});
  c.series("s").write(in);
  Frame out = Repo(pod).collection("types").series("s").read();
  EXPECT_TRUE(out.equals(in));
  EXPECT_THROW(Schema::parse({{"t", "int*|snappy"}}), InvalidInput);
  EXPECT_THROW(Schema::parse({{"t", "complex128*"}}), InvalidInput);
  EXPECT_THROW(Schema::parse({{"t", "str*|zstd"}}), InvalidInput);
  EXPECT_THROW(Schema::parse({{"x", "float"}}), InvalidInput);  // no index
}

TEST_P(SeriesTest, CorruptFilesAreReportedByName) {
  auto c = temperature(repo());
  auto s = c.series("x");
  write_segment_values(s);
  std::string digest = c.leaf_commit()->digest(0, 1);
  std::string file = hashed_path(digest);
  ASSERT_TRUE(pod->exists(file));
  pod->write(file, "garbage", true);
  try {
    s.read();
    FAIL();
  } catch (const CorruptData& e) {
    EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
  }
  pod->rm(file);
  EXPECT_THROW(s.read(), CorruptData);
  auto rev = c.changelog().log().back();
  pod->write(c.path() + "/" + rev.path(), "tampered", true);
  EXPECT_THROW(s.read(), CorruptData);
}

TEST_P(SeriesTest, SoftDeletedSegmentsStillRead) {
  auto c = temperature(repo());
  auto s = c.series("x");
  std::vector<double> v = write_segment_values(s);
  std::string file = hashed_path(c.leaf_commit()->digest(0, 1));
  pod->mv(file, file + "." + hextime(now_ms()));
  EXPECT_EQ(doubles(s.read()["value"]), v);
}

INSTANTIATE_TEST_SUITE_P(Pods, SeriesTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
