#include "lakota/storage/pod.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "api/test_pod.h"
#include "lakota/error.h"

namespace fs = std::filesystem;

namespace lakota {
namespace {

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() / ("lakota-pod-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
  static inline int counter = 0;
};


TEST_P(PodTest, WriteIsWriteOnce) {
  EXPECT_TRUE(pod->write("aa/bb/cc", "first"));
  EXPECT_FALSE(pod->write("aa/bb/cc", "second"));
  EXPECT_EQ(pod->read("aa/bb/cc"), "first");
  EXPECT_TRUE(pod->write("aa/bb/cc", "third", true));
  EXPECT_EQ(pod->read("aa/bb/cc"), "third");
  EXPECT_EQ(pod->size("aa/bb/cc"), 5u);
}

TEST_P(PodTest, ListsSortedNamesOfOneFolder) {
  pod->write("b/x", "1");
  pod->write("a/y/z", "2");
  pod->write("a/w", "3");
  pod->write("a.txt", "4");
  EXPECT_EQ(pod->ls(), (std::vector<std::string>{"a", "a.txt", "b"}));
  EXPECT_EQ(pod->ls("a"), (std::vector<std::string>{"w", "y"}));
  EXPECT_TRUE(pod->ls("nope").empty());
  EXPECT_TRUE(pod->isdir("a/y"));
  EXPECT_FALSE(pod->isdir("a/w"));
}

TEST_P(PodTest, MissingFileIsNotFound) {
  EXPECT_THROW(pod->read("no/such/file"), NotFound);
  EXPECT_FALSE(pod->size("no/such/file"));
}

TEST_P(PodTest, ReadsARangeIntoTheCallersMemory) {
  std::string data = "0123456789abcdef";
  pod->write("r/f", data);
  std::string got(8, '-');
  EXPECT_EQ(pod->read_range_into("r/f", 4, 6, got.data()), 6u);
  EXPECT_EQ(got, "456789--");
  EXPECT_EQ(pod->read_range_into("r/f", 12, 8, got.data()), 4u) << "the file ends before the range";
  EXPECT_EQ(got.substr(0, 4), "cdef");
  EXPECT_EQ(pod->read_range_into("r/f", 100, 8, got.data()), 0u);
  EXPECT_EQ(pod->read_range("r/f", 4, 6), "456789");
  EXPECT_THROW(pod->read_range_into("r/none", 0, 8, got.data()), NotFound);
  // S3 (and a cache in front of it) is where every request costs a round trip.
  EXPECT_EQ(pod->remote(), GetParam() == "s3" || GetParam() == "cache") << GetParam();
}

// A file written in pieces, in any order, appears whole at commit and not before; through
// a folder's view (cd) too. Write-once as `write`: a second commit under the name is
// refused unless it overwrites. A writer dropped uncommitted leaves nothing.
TEST_P(PodTest, WritesAFileInPieces) {
  pod->write("x/keep", "k");
  auto w = pod->open_writer();
  w->write_at(6, "ghij");
  w->write_at(0, "abcdef");
  EXPECT_EQ(pod->walk(), (std::vector<std::string>{"x/keep"}));
  EXPECT_TRUE(w->commit("p/q/f", 10));
  EXPECT_EQ(pod->read("p/q/f"), "abcdefghij");
  auto again = pod->open_writer();
  again->write_at(0, "0123456789");
  EXPECT_FALSE(again->commit("p/q/f", 10));
  EXPECT_EQ(pod->read("p/q/f"), "abcdefghij");
  EXPECT_TRUE(again->commit("p/q/f", 10, true));
  EXPECT_EQ(pod->read("p/q/f"), "0123456789");
  auto below = pod->cd("x")->open_writer();
  below->write_at(0, "zz");
  EXPECT_TRUE(below->commit("z", 2));
  EXPECT_EQ(pod->read("x/z"), "zz");
  {
    auto dropped = pod->open_writer();
    dropped->write_at(0, "never");
  }
  auto files = pod->walk();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"p/q/f", "x/keep", "x/z"}));
}

TEST_P(PodTest, RemoveAndMove) {
  pod->write("d/1", "x");
  pod->write("d/e/2", "y");
  EXPECT_TRUE(pod->mv("d/1", "d/1.renamed"));
  EXPECT_FALSE(pod->mv("d/1", "d/other"));
  EXPECT_EQ(pod->read("d/1.renamed"), "x");
  EXPECT_TRUE(pod->rm("d/1.renamed"));
  EXPECT_FALSE(pod->rm("d/1.renamed"));
  EXPECT_TRUE(pod->rm("d", true));
  EXPECT_TRUE(pod->ls().empty());
}

TEST_P(PodTest, CdAndWalk) {
  pod->write("aa/bb/seg", "s");
  pod->write("aa/bb/coll/rev", "r");
  auto sub = pod->cd("aa/bb");
  EXPECT_EQ(sub->read("seg"), "s");
  sub->write("new", "n");
  EXPECT_EQ(pod->read("aa/bb/new"), "n");
  auto files = pod->walk("aa", 2);
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"aa/bb/new", "aa/bb/seg"}));
  EXPECT_EQ(pod->walk("aa").size(), 3u);
}

TEST_P(PodTest, ConcurrentWritersOfOneNameLeaveOneWholeFile) {
  std::vector<std::thread> threads;
  std::atomic<int> winners{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string data(100000, char('a' + t));
      if (pod->write("x/y", data)) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  std::string got = pod->read("x/y");
  ASSERT_EQ(got.size(), 100000u);
  EXPECT_EQ(got.find_first_not_of(got[0]), std::string::npos);
}

// The same in pieces: each writer's pieces interleave with the others', one commit makes
// the file, whole, and the other commits find it there.
TEST_P(PodTest, ConcurrentWritersInPiecesOfOneNameLeaveOneWholeFile) {
  pod->write("keep", "k");  // a local pod's root exists: its writers write as the pieces come
  std::vector<std::thread> threads;
  std::atomic<int> winners{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string data(100000, char('a' + t));
      auto w = pod->open_writer();
      for (size_t at = data.size(); at > 0;) {  // last piece first
        size_t from = at >= 4096 ? at - 4096 : 0;
        w->write_at(from, std::string_view(data).substr(from, at - from));
        at = from;
      }
      if (w->commit("x/y", data.size())) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  std::string got = pod->read("x/y");
  ASSERT_EQ(got.size(), 100000u);
  EXPECT_EQ(got.find_first_not_of(got[0]), std::string::npos);
}

TEST_P(PodTest, RejectsPathsLeavingTheRepository) { EXPECT_THROW(pod->read("../etc/passwd"), InvalidInput); }

INSTANTIATE_TEST_SUITE_P(Pods, PodTest, ::testing::ValuesIn(test_pod_kinds()), pod_kind_name);

TEST(FilePod, LeavesNoTemporaryFiles) {
  TempDir dir;
  auto pod = make_file_pod(dir.path.string());
  pod->write("aa/bb/cccc", "data");
  size_t files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir.path)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
  EXPECT_FALSE(fs::exists(dir.path / ".lakota-tmp"));
}

// Overwrites go through the shared temporary folder, which the last writer removes: a
// writer must never fail because another one removed it under its feet.
TEST(FilePod, ConcurrentOverwritesNeverLoseTheTemporaryFolder) {
  TempDir dir;
  FilePodOptions o;
  o.fsync = false;
  auto pod = make_file_pod(dir.path.string(), o);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        try {
          pod->write("f/" + std::to_string(t) + "-" + std::to_string(i % 10), "data", true);
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_FALSE(fs::exists(dir.path / ".lakota-tmp"));
}

TEST(FilePod, CreatesAndSyncsNewFolders) {
  TempDir dir;
  auto pod = make_file_pod((dir.path / "new" / "repo").string());
  EXPECT_TRUE(pod->write("aa/bb/cccc", "data"));
  EXPECT_EQ(pod->read("aa/bb/cccc"), "data");
  // A file in the way of a folder is a storage error naming it.
  pod->write("x", "file");
  EXPECT_THROW(pod->write("x/y", "data"), StorageError);
  EXPECT_THROW(pod->ls("x"), StorageError);
}

TEST(PodUri, ParsesTheReferenceForms) {
  EXPECT_EQ(pod_from_uri("file:///rel/path")->uri(), "rel/path");
  EXPECT_EQ(pod_from_uri("file:////abs/path")->uri(), "/abs/path");
  EXPECT_EQ(pod_from_uri("some/dir")->uri(), "some/dir");
  EXPECT_EQ(pod_from_uri("memory://")->uri(), "memory://");
  EXPECT_THROW(pod_from_uri("file://host/x"), InvalidInput);
  EXPECT_THROW(pod_from_uri("ftp://x"), InvalidInput);
  EXPECT_THROW(pod_from_uri(""), InvalidInput);
}

}  // namespace
}  // namespace lakota
