// The compatibility corpus (../shared/lakota-format/corpus), read through the engine:
// every revision decodes and encodes again to the same bytes, every series reads back
// with the expected number of rows, and the `tiny` write reproduces the reference's commit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "lakota/api/repo.h"
#include "lakota/encoding/hash.h"
#include "lakota/error.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

// Empty when the corpus is not there (a clone outside the project's folder): the build's
// test discovery must not abort; CorpusFolder.IsThere then fails saying where it looked.
std::vector<std::string> corpus_repos() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(LAKOTA_CORPUS_DIR, ec)) return out;
  for (const auto& e : fs::directory_iterator(LAKOTA_CORPUS_DIR))
    if (e.is_directory() && e.path().filename().string()[0] != '_') out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

size_t count_lines(const fs::path& p) {
  std::ifstream in(p);
  size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, EveryCommitReencodesToTheSameBytes) {
  Repo repo(make_file_pod(std::string(LAKOTA_CORPUS_DIR) + "/" + GetParam()));
  std::vector<Collection> collections{repo.registry()};
  for (const auto& label : repo.ls()) collections.push_back(repo.collection(label));
  size_t checked = 0;
  for (const auto& clct : collections) {
    auto log = clct.changelog().log();
    ASSERT_FALSE(log.empty()) << clct.label();
    for (const auto& rev : log) {
      std::string payload = clct.changelog().read(rev);
      Commit ci = Commit::decode(std::make_shared<const Schema>(clct.schema()), payload, rev.path());
      EXPECT_EQ(ci.encode(), payload) << GetParam() << " " << clct.label() << " " << rev.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 1u);
}

TEST_P(Corpus, EverySeriesReadsTheExpectedRowCount) {
  Repo repo(make_file_pod(std::string(LAKOTA_CORPUS_DIR) + "/" + GetParam()));
  fs::path expected = fs::path(LAKOTA_CORPUS_DIR) / "_expected" / GetParam();
  size_t series = 0;
  for (const auto& e : fs::recursive_directory_iterator(expected)) {
    if (e.path().extension() != ".csv") continue;
    std::string clct = e.path().parent_path().filename().string();
    std::string label = e.path().stem().string();
    Series s = repo.collection(clct).series(label);
    EXPECT_EQ(s.read().size(), count_lines(e.path()) - 1) << clct << "/" << label;
    EXPECT_EQ(s.length(), count_lines(e.path()) - 1) << clct << "/" << label;
    ++series;
  }
  EXPECT_GT(series, 0u);
}

INSTANTIATE_TEST_SUITE_P(All, Corpus, ::testing::ValuesIn(corpus_repos()));

TEST(CorpusFolder, IsThere) {
  EXPECT_TRUE(fs::is_directory(LAKOTA_CORPUS_DIR))
      << "the compatibility corpus is not at " << LAKOTA_CORPUS_DIR
      << ": clone the project beside ../shared (the format contract and its corpus)";
}

TEST(CorpusTiny, SameDataGivesTheReferenceCommit) {
  Repo repo(make_memory_pod());
  Schema schema = Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}});
  auto clct = repo.create_collection(schema, "temperature");
  DType ts = DType::parse("timestamp"), f8 = DType::parse("float");
  std::vector<int64_t> t{1592784000, 1592870400, 1592956800, 1593043200, 1593129600, 1593216000};
  std::vector<double> v{25, 24, 27, 31, 32, 30};
  clct.series("Brussels").write(Frame({"timestamp", "value"}, {Column::from_vector(ts, t), Column::from_vector(f8, v)}));
  auto log = clct.changelog().log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].child_digest(), "8976db37e80fcd31fdea8fa1233f9057234f4dbf");
  EXPECT_EQ(log[0].parent, kPhi);
}

TEST(CorpusTiny, RegistryLabelDigestMatchesTheReference) {
  // FORMAT.md §4.6: the digest of the label array ["temperature"] is the same in every repo.
  Repo repo(make_memory_pod());
  repo.create_collection(Schema::parse({{"timestamp", "timestamp*"}, {"value", "float"}}), "temperature");
  auto ci = repo.registry().leaf_commit();
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->digest(0, 0), "d503726ae5bad534d058bdc27e543ce31c887442");
}

}  // namespace
}  // namespace lakota
