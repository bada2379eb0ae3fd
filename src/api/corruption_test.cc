// Damaged and hostile files: a read never crashes and never returns wrong values without
// a word; it raises CorruptData (or StorageError for a broken layout) naming the file.
// Run on the memory pod and on the file pod.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lakota/api/repo.h"
#include "lakota/encoding/codecs.h"
#include "lakota/encoding/hash.h"
#include "lakota/encoding/msgpack.h"
#include "lakota/error.h"
#include "test_pod.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

const DType kTs = DType::parse("timestamp");
const DType kF8 = DType::parse("float");

Frame frame(size_t n, double scale) {
  std::vector<int64_t> t(n);
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) t[i] = int64_t(i), v[i] = double(i) * scale;
  return Frame({"timestamp", "value"}, {Column::from_vector(kTs, t), Column::from_vector(kF8, v)});
}

class CorruptionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    pod = make_test_pod(GetParam(), "lakota-corruption-test-", dir);
    collection = Repo(pod).create_collection(Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}), "temp");
    series = std::make_unique<Series>(collection->series("Brussels"));
    series->write(frame(2000, 0.37));
    value_file = hashed_path(collection->leaf_commit()->digest(0, 1));
  }
  void TearDown() override {
    if (!dir.empty()) fs::remove_all(dir);
  }
  Repo repo(RepoOptions options = {}) { return Repo(pod, options); }
  Series reopened(RepoOptions options = {}) { return repo(options).collection("temp").series("Brussels"); }
  void replace(const std::string& path, const std::string& bytes) { pod->write(path, bytes, true); }

  PodPtr pod;
  fs::path dir;
  std::optional<Collection> collection;
  std::unique_ptr<Series> series;
  std::string value_file;
};

TEST_P(CorruptionTest, ALyingTypesizeIsCorruptNotACrash) {
  std::string bytes = pod->read(value_file);
  bytes[3] = 9;  // the typesize byte of a float segment
  replace(value_file, bytes);
  Query three;
  three.limit = 3;
  auto msg = error_of<CorruptData>([&] { reopened().read(three); });
  EXPECT_NE(msg.find(value_file), std::string::npos) << msg;
  EXPECT_NE(msg.find("elements of 9 bytes, expected 8"), std::string::npos) << msg;
  error_of<CorruptData>([&] { reopened().read(); });
  error_of<CorruptData>([&] { reopened().tail(3); });
}

TEST_P(CorruptionTest, ValuesThatDoNotMatchTheirDigestAreCaughtOnFullReads) {
  // A well-formed segment holding other values: only the digest can tell.
  Column other = frame(2000, 0.5)["value"];
  replace(value_file, blosc_encode(other.data(), other.nbytes(), 8));
  auto msg = error_of<CorruptData>([&] { reopened().read(); });
  EXPECT_NE(msg.find(value_file), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not match its digest"), std::string::npos) << msg;
  // The check can be turned off (and a range read of some blocks cannot make it).
  RepoOptions unchecked;
  unchecked.verify_digests = false;
  EXPECT_EQ(reopened(unchecked).read().size(), 2000u);
}

TEST_P(CorruptionTest, FlippedBytesNeverReadBackSilently) {
  const std::string good = pod->read(value_file);
  const Frame expected = frame(2000, 0.37);
  for (size_t at = 16; at < good.size(); at += 7) {
    std::string bad = good;
    bad[at] = char(bad[at] ^ 0x10);
    replace(value_file, bad);
    try {
      Frame f = reopened().read();
      EXPECT_TRUE(f.equals(expected)) << "byte " << at << " changed values without an error";
    } catch (const CorruptData&) {
    }
  }
}

TEST_P(CorruptionTest, ASegmentWithTheWrongLengthIsCorrupt) {
  Column shorter = frame(1999, 0.37)["value"];
  replace(value_file, blosc_encode(shorter.data(), shorter.nbytes(), 8));
  Query three;
  three.limit = 3;
  auto msg = error_of<CorruptData>([&] { reopened().read(three); });
  EXPECT_NE(msg.find("holds 1999 values, its commit says 2000"), std::string::npos) << msg;
}

// A commit that lies about the lengths of a series' rows never sizes or places the decode of
// a full read (pieces are decoded into their places in one buffer): the read fails naming
// the array and the lie, and nothing is written outside a buffer.
TEST_P(CorruptionTest, LyingRowLengthsAreCorruptNotACrash) {
  Frame later = frame(2000, 0.5);
  std::vector<int64_t> t(2000);
  for (size_t i = 0; i < 2000; ++i) t[i] = int64_t(5000 + i);
  series->write(Frame({"timestamp", "value"}, {Column::from_vector(kTs, t), later["value"]}));
  auto leaf = collection->changelog().leaf();
  Commit good = *collection->leaf_commit();
  ASSERT_EQ(good.size(), 2u);
  for (int64_t lie : {int64_t((uint64_t(1) << 61) - 1), int64_t(1) << 40, int64_t(2001)}) {
    CommitRow first = good.row(0);
    first.length = lie;
    Commit bad = good.update(first);
    ASSERT_EQ(bad.size(), 2u);
    auto revs = collection->changelog().commit(bad.encode(), &*leaf);
    ASSERT_FALSE(revs.empty());
    auto msg = error_of<CorruptData>([&] { reopened().read(); });
    EXPECT_NE(msg.find("its commit says " + std::to_string(lie)), std::string::npos) << msg;
    collection->changelog().pod()->rm(revs.back().path());
  }
  EXPECT_EQ(reopened().read().size(), 4000u);
}

TEST_P(CorruptionTest, ATruncatedSegmentIsCorrupt) {
  std::string bytes = pod->read(value_file);
  replace(value_file, bytes.substr(0, bytes.size() / 2));
  error_of<CorruptData>([&] { reopened().read(); });
  Query three;
  three.limit = 3;
  error_of<CorruptData>([&] { reopened().read(three); });
}

TEST_P(CorruptionTest, RewritingTheSameDataRepairsADamagedSegment) {
  Column other = frame(2000, 0.5)["value"];
  std::string damaged = blosc_encode(other.data(), other.nbytes(), 8);
  replace(value_file, damaged);
  // Same size as the good file: a size check alone would keep the damaged one.
  series->write(frame(2000, 0.37));
  EXPECT_NE(pod->read(value_file), damaged);
  EXPECT_TRUE(reopened().read().equals(frame(2000, 0.37)));
}

// A revision whose sha1 is right but whose content is wrong: every field is checked.
TEST_P(CorruptionTest, AMalformedRevisionNamesItsFile) {
  auto leaf = collection->changelog().leaf();
  ASSERT_TRUE(leaf);
  auto doc = decode_commit_document(collection->changelog().read(*leaf), "test");
  auto write_revision = [&](const CommitDocument& d) {
    CommitDocumentView v;
    for (auto [from, to] : {std::pair{&d.start, &v.start}, {&d.stop, &v.stop}, {&d.digest, &v.digest},
                            {&d.embedded, &v.embedded}})
      for (const auto& [k, b] : *from) to->emplace_back(k, b);
    v.length = d.length, v.closed = d.closed, v.label = d.label;
    std::string payload = encode_commit_document(v);
    Revision rev{leaf->child, hextime(leaf->epoch_ms() + 1) + "-" + sha1_hex(payload), true};
    collection->changelog().pod()->write(rev.path(), payload);
    return rev.path();
  };
  auto strings = [](std::vector<std::string> values, const std::string& dtype) {
    MsgWriter w;
    w.array(values.size() + 2);
    for (const auto& s : values) w.str(s);
    w.str(dtype);
    w.array(1);
    w.integer(int64_t(values.size()));
    return byte_encode("zstd", w.take());
  };
  // Each damaged revision is the leaf for a moment: the read names the file and the fault.
  auto refused = [&](auto damage, const std::string& fault) {
    CommitDocument bad = doc;
    damage(bad);
    std::string path = write_revision(bad);
    auto msg = error_of<CorruptData>([&] { reopened().read(); });
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find(fault), std::string::npos) << msg;
    collection->changelog().pod()->rm(path);
  };
  refused([&](CommitDocument& d) { d.label = strings({"Brussels"}, "<Ux"); }, "<Ux");  // a bad numpy dtype
  refused([&](CommitDocument& d) { d.digest[1].second = strings({"../../../etc/passwd"}, "<U19"); }, "invalid digest");
  refused([&](CommitDocument& d) { d.closed = strings({"x"}, "<U1"); }, "invalid closed flag");
  // Two labels, one row elsewhere.
  refused([&](CommitDocument& d) { d.label = strings({"a", "b"}, "<U1"); }, "holds 1 values, its commit says 2");
  EXPECT_TRUE(reopened().read().equals(frame(2000, 0.37)));
}

TEST_P(CorruptionTest, AFileWhereAFolderShouldBeIsAnError) {
  const std::string registry = hashed_path(std::string(40, '0'));
  const std::string folder = collection->path();
  if (GetParam() == "s3" || GetParam() == "cache") {
    // In AWS S3 an object and a key prefix of the same name live side by side; MinIO
    // stores objects as files, and an object put where a prefix is hides the prefix's
    // objects (the collection then reads empty). Either way: a frame or one of our errors.
    pod->write(folder, "not a folder");
    try {
      Frame f = reopened().read();
      EXPECT_TRUE(f.size() == 0 || f.equals(frame(2000, 0.37)));
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()), "");
    }
    return;
  }
  pod->rm(folder, true);
  pod->write(folder, "not a folder");
  auto msg = error_of<StorageError>([&] { reopened().read(); });
  EXPECT_NE(msg.find("not a folder"), std::string::npos) << msg;
  pod->rm(registry, true);
  pod->write(registry, "not a folder");
  msg = error_of<StorageError>([&] { repo().ls(); });
  EXPECT_NE(msg.find(registry), std::string::npos) << msg;
}

// A range read of a large segment fetches its header, its block table and the blocks it
// needs, never the whole file; a file truncated under it is CorruptData.
TEST(RangeReads, FetchOnlyTheBlocksTheyNeed) {
  fs::path dir = fs::temp_directory_path() / ("lakota-range-read-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::vector<std::string> log;
  PodPtr pod = make_logging_pod(make_file_pod(dir.string()), [&](const std::string& line) { log.push_back(line); });
  auto s = Repo(pod).create_collection(Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}), "big").series("s");
  size_t n = 400000;
  std::vector<int64_t> t(n);
  std::vector<double> v(n);
  uint64_t seed = 1;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    t[i] = int64_t(i), v[i] = double(seed >> 11);
  }
  s.write(Frame({"timestamp", "value"}, {Column::from_vector(kTs, t), Column::from_vector(kF8, v)}));
  log.clear();
  Query q;
  q.start = {int64_t(200000)};
  q.stop = {int64_t(200010)};
  Frame f = s.read(q);
  ASSERT_EQ(f.size(), 10u);
  EXPECT_EQ(f["value"].values<double>()[3], v[200003]);
  std::string file = hashed_path(Repo(pod).collection("big").leaf_commit()->digest(0, 1));
  size_t ranged = 0;
  for (const auto& line : log) {
    if (line.find(file) == std::string::npos) continue;
    EXPECT_NE(line.find(" ["), std::string::npos) << "the value segment was read whole: " << line;
    ++ranged;
  }
  EXPECT_EQ(ranged, 3u);  // header, block table, one block
  // Truncate the value segment under a range read.
  fs::resize_file(dir / file, fs::file_size(dir / file) / 2);
  EXPECT_THROW(s.read(q), CorruptData);
  fs::remove_all(dir);
}

TEST(RepositoryUri, AFileIsNotARepository) {
  fs::path file = fs::temp_directory_path() / ("lakota-not-a-repo-" + std::to_string(::getpid()));
  std::ofstream(file) << "x";
  auto msg = error_of<StorageError>([&] { Repo::open(file.string()).ls(); });
  EXPECT_NE(msg.find("is a file, not a folder"), std::string::npos) << msg;
  fs::remove(file);
  error_of<InvalidInput>([&] { Repo::open(""); });
}

INSTANTIATE_TEST_SUITE_P(Pods, CorruptionTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

}  // namespace
}  // namespace lakota
