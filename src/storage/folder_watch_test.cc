#include "storage/folder_watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lakota/error.h"
#include "lakota/history/changelog.h"
#include "lakota/storage/pod.h"

namespace fs = std::filesystem;
using namespace lakota;

namespace {

// A folder on a file system the watch keeps (the temporary folder, else shared memory).
fs::path watched_base() {
  for (fs::path base : {fs::temp_directory_path(), fs::path("/dev/shm"), fs::current_path()})
    if (folder_watch::watchable(base.string())) return base;
  throw std::runtime_error("no folder on a local file system (ext4, XFS, Btrfs, tmpfs, F2FS) to test in");
}

struct TempDir {
  TempDir() {
    static int counter = 0;
    path = watched_base() / ("lakota-watch-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

// What the folder holds, read now.
std::vector<std::string> read_folder(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> watched(const fs::path& dir) {
  return *folder_watch::ls(dir.string(), [&] { return read_folder(dir); }).names;
}

void touch(const fs::path& file) { std::ofstream(file) << "x"; }

bool local_file_system_is_watched(const fs::path& dir) {
  auto before = folder_watch::counts();
  watched(dir);
  return folder_watch::counts().read == before.read + 1;
}

}  // namespace

TEST(FolderWatch, AKeptListingFollowsEveryKindOfChange) {
  TempDir t;
  fs::path dir = t.path / "changelog";
  fs::create_directories(dir);
  ASSERT_TRUE(local_file_system_is_watched(dir));
  auto before = folder_watch::counts();
  auto same = [&](const char* step) {
    EXPECT_EQ(watched(dir), read_folder(dir)) << step;
  };
  touch(dir / "a");
  same("create");
  fs::create_hard_link(dir / "a", dir / "b");
  same("hard link");
  fs::rename(dir / "a", dir / "c");
  same("rename inside");
  touch(t.path / "outside");
  fs::rename(t.path / "outside", dir / "d");
  same("rename in");
  fs::rename(dir / "b", t.path / "gone");
  same("rename out");
  auto reads = folder_watch::counts().read;
  touch(t.path / "over");
  fs::rename(t.path / "over", dir / "c");
  same("rename over a name");  // events alike to an exchange's: read again
  EXPECT_EQ(folder_watch::counts().read, reads + 1);
  touch(dir / "x");
  touch(dir / "y");
  same("two more");
  ASSERT_EQ(::renameat2(AT_FDCWD, (dir / "x").c_str(), AT_FDCWD, (dir / "y").c_str(), RENAME_EXCHANGE), 0);
  same("an exchange of two names");
  ASSERT_EQ(read_folder(dir), (std::vector<std::string>{"c", "d", "x", "y"}));
  fs::create_directory(dir / "sub");
  same("a folder");
  touch(dir / "sub" / "deeper");
  same("a file below (not an entry)");
  fs::remove(dir / "d");
  same("remove");
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY, 0644);
  if (fd >= 0) {  // an anonymous file is no entry until it is linked
    same("O_TMPFILE");
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    ASSERT_EQ(::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, (dir / "linked").c_str(), AT_SYMLINK_FOLLOW), 0);
    ::close(fd);
    same("linkat");
  }
  auto after = folder_watch::counts();
  EXPECT_EQ(after.read, before.read + 2) << "every other listing came from what was kept";
  EXPECT_GE(after.kept, before.kept + 10);
}

TEST(FolderWatch, AFolderReplacedUnderItsPathOrAboveIsReadAgain) {
  TempDir t;
  fs::path dir = t.path / "repo" / "changelog";
  fs::create_directories(dir);
  touch(dir / "old");
  ASSERT_EQ(watched(dir), std::vector<std::string>{"old"});
  // The folder itself moves away and another takes its path.
  fs::rename(dir, t.path / "repo" / "moved");
  fs::create_directory(dir);
  touch(dir / "new");
  EXPECT_EQ(watched(dir), std::vector<std::string>{"new"});
  // A folder above it moves: no event reaches the watched folder, its inode tells.
  fs::rename(t.path / "repo", t.path / "repo2");
  fs::create_directories(dir);
  touch(dir / "newer");
  EXPECT_EQ(watched(dir), std::vector<std::string>{"newer"});
  // Removed: listed as the pod lists a missing folder.
  fs::remove_all(t.path / "repo");
  EXPECT_EQ(watched(dir), std::vector<std::string>{});
  fs::create_directories(dir);
  touch(dir / "again");
  EXPECT_EQ(watched(dir), std::vector<std::string>{"again"});
}

TEST(FolderWatch, LostEventsMakeEveryFolderReadAgain) {
  TempDir t;
  fs::path dir = t.path / "changelog", other = t.path / "other";
  fs::create_directories(dir);
  fs::create_directories(other);
  touch(other / "x");
  ASSERT_TRUE(local_file_system_is_watched(dir));
  watched(other);
  size_t queue = 16384;
  std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> queue;
  // More events than the queue holds: it overflows, and what overflowed is lost.
  for (size_t i = 0; i < queue / 2 + 10; ++i) {
    touch(dir / "churn");
    fs::remove(dir / "churn");
  }
  touch(dir / "kept");
  touch(other / "y");
  auto before = folder_watch::counts();
  EXPECT_EQ(watched(dir), std::vector<std::string>{"kept"});
  EXPECT_EQ(watched(other), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(folder_watch::counts().read, before.read + 2);
}

TEST(FolderWatch, AChildProcessNeverReadsItsParentsQueue) {
  TempDir t;
  fs::path dir = t.path / "changelog";
  fs::create_directories(dir);
  ASSERT_TRUE(local_file_system_is_watched(dir));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child lists (with a queue of its own), then writes: had it read the inherited
    // queue, the parent would never learn of the file.
    bool ok = watched(dir).empty();
    touch(dir / "from-child");
    ok = ok && watched(dir) == std::vector<std::string>{"from-child"};
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto before = folder_watch::counts();
  EXPECT_EQ(watched(dir), std::vector<std::string>{"from-child"});
  EXPECT_EQ(folder_watch::counts().kept, before.kept + 1);
}

TEST(FolderWatch, TheLeastRecentlyListedFolderGoesBeyondTheLimit) {
  TempDir t;
  std::vector<fs::path> dirs;
  for (size_t i = 0; i <= folder_watch::kMaxFolders; ++i) {
    dirs.push_back(t.path / std::to_string(i));
    fs::create_directories(dirs.back());
    touch(dirs.back() / "f");
    ASSERT_EQ(watched(dirs.back()), std::vector<std::string>{"f"});
  }
  touch(dirs[0] / "g");  // its watch is gone: the change is read, not reported
  auto before = folder_watch::counts();
  EXPECT_EQ(watched(dirs[0]), (std::vector<std::string>{"f", "g"}));
  EXPECT_EQ(watched(dirs.back()), std::vector<std::string>{"f"});
  auto after = folder_watch::counts();
  EXPECT_EQ(after.read, before.read + 1);
  EXPECT_EQ(after.kept, before.kept + 1);
}

TEST(FolderWatch, FilesAndMissingFoldersAreLeftToThePodsListing) {
  TempDir t;
  touch(t.path / "file");
  auto before = folder_watch::counts();
  EXPECT_THROW(make_file_pod(t.path.string())->ls_watched("file"), StorageError);
  EXPECT_EQ(*make_file_pod(t.path.string())->ls_watched("missing").names, std::vector<std::string>{});
  EXPECT_EQ(folder_watch::counts().unwatched, before.unwatched + 2);
}

// Two handles on one changelog, one per process: each sees the other's revisions.
TEST(FolderWatch, AChangelogSeesRevisionsOtherProcessesWrite) {
  TempDir t;
  Changelog log(make_file_pod(t.path.string())->cd("c"));
  auto first = log.commit("one", nullptr);
  ASSERT_EQ(log.history().heads().size(), 1u);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Changelog theirs(make_file_pod(t.path.string())->cd("c"));
    auto heads = theirs.history().heads();
    theirs.commit("two", &heads.front());
    ::_exit(theirs.history().log().size() == 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(log.history().log().size(), 2u);
  EXPECT_EQ(*log.listing().names, read_folder(t.path / "c"));
}

TEST(FolderWatch, AVersionNamesOneContentAndAListingHandedOutNeverChanges) {
  TempDir t;
  fs::path dir = t.path / "changelog";
  fs::create_directories(dir);
  touch(dir / "a");
  auto list = [&] { return folder_watch::ls(dir.string(), [&] { return read_folder(dir); }); };
  auto first = list();
  ASSERT_NE(first.version, 0u);
  EXPECT_EQ(list().version, first.version);  // nothing changed
  touch(dir / "b");
  auto second = list();
  EXPECT_EQ(second.version, first.version + 1) << "one name more";
  EXPECT_EQ(*first.names, std::vector<std::string>{"a"}) << "the listing held is a snapshot";
  EXPECT_EQ(*second.names, (std::vector<std::string>{"a", "b"}));
  touch(dir / "a");  // rewritten in place: no new name, no new version
  EXPECT_EQ(list().version, second.version);
  auto before = list().version;
  second = {};
  first = {};
  touch(dir / "c");  // nobody holds the listing now: changed in place
  fs::remove(dir / "b");
  auto third = list();
  EXPECT_EQ(third.version, before + 2);
  EXPECT_EQ(*third.names, (std::vector<std::string>{"a", "c"}));
}
