// Crash tests: a writer, a merge, a push and a gc killed (SIGKILL) at every storage call
// they make leave a repository that reads its last committed state and passes verify, and
// on which the same operation then runs to the end.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <atomic>
#include <functional>

#include "lakota/api/maintenance.h"
#include "lakota/api/repo.h"
#include "lakota/api/sync.h"
#include "lakota/encoding/hash.h"
#include "test_pod.h"

namespace lakota {
namespace {

namespace fs = std::filesystem;

// Forwards to a pod and kills the process at its n-th call (any call: lists, reads, writes).
class KillingPod final : public Pod {
 public:
  KillingPod(PodPtr inner, int kill_at) : inner_(std::move(inner)), kill_at_(kill_at) {}
  std::string uri() const override { return inner_->uri(); }

 private:
  void tick() const {
    if (++calls_ == kill_at_) ::kill(::getpid(), SIGKILL);
  }
  std::vector<std::string> do_ls(const std::string& p) const override { return tick(), inner_->ls(p); }
  std::string do_read(const std::string& p) const override { return tick(), inner_->read(p); }
  std::optional<uint64_t> do_size(const std::string& p) const override { return tick(), inner_->size(p); }
  bool do_isdir(const std::string& p) const override { return tick(), inner_->isdir(p); }
  bool do_write(const std::string& p, std::string_view d, bool o) override { return tick(), inner_->write(p, d, o); }
  bool do_rm(const std::string& p, bool r) override { return tick(), inner_->rm(p, r); }
  bool do_mv(const std::string& a, const std::string& b) override { return tick(), inner_->mv(a, b); }
  PodPtr inner_;
  int kill_at_;
  mutable std::atomic<int> calls_{0};
};


class Crash : public ::testing::Test {
 protected:
  void SetUp() override {
    base = fs::temp_directory_path() / ("lakota-crash-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
  }
  void TearDown() override { fs::remove_all(base); }

  // Runs `op` in a child process killed at its n-th storage call; true when it was killed
  // (false: the operation ran to its end before the n-th call).
  static bool killed_at(int n, const std::function<void(int)>& op) {
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
      try {
        op(n);
      } catch (...) {
        ::_exit(3);
      }
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGKILL;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the operation failed at call " << n;
    return false;
  }

  // For n = 1, 2, ...: copies the `setup` folder, kills `op` at its n-th call, and checks
  // the copy with `check`; until `op` runs to its end. Returns the number of calls.
  int every_call(const fs::path& setup, const std::function<void(const fs::path&, int)>& op,
                 const std::function<void(const fs::path&)>& check) {
    for (int n = 1; n < 2000; ++n) {
      fs::path dir = base / ("run-" + std::to_string(n));
      fs::copy(setup, dir, fs::copy_options::recursive);
      bool killed = killed_at(n, [&](int k) { op(dir, k); });
      check(dir);
      fs::remove_all(dir);
      if (!killed) return n;
    }
    ADD_FAILURE() << "never ran to its end";
    return 0;
  }

  static void expect_sound(const Repo& repo) {
    VerifyReport v = verify(repo);
    EXPECT_TRUE(v.ok()) << v.problems.front();
  }

  fs::path base;
};

TEST_F(Crash, AKilledWriterLeavesTheOldStateOrTheNewOne) {
  fs::path setup = base / "setup";
  Repo(make_file_pod(setup.string())).create_collection(id_x_schema(), "c").series("s").write(noisy_frame(0, 3000, 1));
  Frame old_rows = Repo(make_file_pod(setup.string())).collection("c").series("s").read();
  Frame change = noisy_frame(2000, 3000, 2);
  int calls = every_call(
      setup,
      [&](const fs::path& dir, int n) {
        Repo(std::make_shared<KillingPod>(make_file_pod(dir.string()), n)).collection("c").series("s").write(change);
      },
      [&](const fs::path& dir) {
        Repo repo(make_file_pod(dir.string()));
        Frame now = repo.collection("c").series("s").read();
        EXPECT_TRUE(now.equals(old_rows) || now.size() == 5000u);
        expect_sound(repo);
        repo.collection("c").series("s").write(change);  // and it goes on
        EXPECT_EQ(repo.collection("c").series("s").length(), 5000u);
        expect_sound(repo);
      });
  EXPECT_GT(calls, 5);
}

TEST_F(Crash, AKilledMergeLeavesTheHeadsOrTheMerge) {
  fs::path setup = base / "setup";
  RepoOptions manual;
  manual.auto_merge = false;
  {
    PodPtr pod = make_file_pod(setup.string());
    Repo(pod, manual).create_collection(id_x_schema(), "c").series("s").write(noisy_frame(0, 3000, 1));
    PodPtr other = make_memory_pod();
    copy_missing(pod, other);
    Repo(pod, manual).collection("c").series("s").write(noisy_frame(500, 100, 2));
    Repo(other, manual).collection("c").series("s").write(noisy_frame(2500, 1000, 3));
    copy_missing(other, pod);
  }
  int calls = every_call(
      setup,
      [&](const fs::path& dir, int n) {
        Repo(std::make_shared<KillingPod>(make_file_pod(dir.string()), n), manual).collection("c").merge();
      },
      [&](const fs::path& dir) {
        Repo repo(make_file_pod(dir.string()), manual);
        auto c = repo.collection("c");
        EXPECT_GE(c.series("s").length(), 3000u);
        expect_sound(repo);
        c.merge();
        EXPECT_FALSE(c.diverged());
        EXPECT_EQ(c.series("s").length(), 3500u);
      });
  EXPECT_GT(calls, 5);
}

TEST_F(Crash, AKilledPushLeavesARepositoryThatReadsAndResumes) {
  fs::path setup = base / "setup";
  fs::path src = base / "src";
  {
    Repo r(make_file_pod(src.string()));
    auto c = r.create_collection(id_x_schema(), "c");
    for (int k = 0; k < 3; ++k) c.series("s").write(noisy_frame(k * 1000, 1000, k));
    c.tag("v1");
    r.create_collection(id_x_schema(), "d").series("t").write(noisy_frame(0, 2000, 9));
    fs::create_directories(setup);  // an empty destination
  }
  Repo source(make_file_pod(src.string()));
  Frame want = source.collection("c").series("s").read();
  int calls = every_call(
      setup,
      [&](const fs::path& dir, int n) {
        Repo dst(std::make_shared<KillingPod>(make_file_pod(dir.string()), n));
        push(source, dst);
      },
      [&](const fs::path& dir) {
        Repo dst(make_file_pod(dir.string()));
        if (auto c = dst.find("c")) EXPECT_LE(c->series("s").length(), 3000u);
        expect_sound(dst);
        push(source, dst);
        EXPECT_TRUE(dst.collection("c").series("s").read().equals(want));
        EXPECT_EQ(dst.collection("c").tags().size(), 1u);
        EXPECT_EQ(dst.collection("d").series("t").length(), 2000u);
        expect_sound(dst);
      });
  EXPECT_GT(calls, 10);
}

TEST_F(Crash, AKilledGcLeavesEveryCommittedRow) {
  fs::path setup = base / "setup";
  {
    Repo r(make_file_pod(setup.string()));
    auto c = r.create_collection(id_x_schema(), "c");
    for (int k = 0; k < 4; ++k) c.series("s").write(noisy_frame(0, 2000, k));  // each overwrites the last
    trim(c, TrimOptions{now_ms() + 60'000});
    gc(r);  // garbage buried once: the next gc deletes it
  }
  Frame want = Repo(make_file_pod(setup.string())).collection("c").series("s").read();
  GcOptions now;
  now.timeout_ms = 0;
  int calls = every_call(
      setup,
      [&](const fs::path& dir, int n) {
        Repo r(std::make_shared<KillingPod>(make_file_pod(dir.string()), n));
        r.collection("c").series("s").write(noisy_frame(5000, 2000, 7));  // more garbage and more rows
        gc(r, now);
      },
      [&](const fs::path& dir) {
        Repo repo(make_file_pod(dir.string()));
        Frame got = repo.collection("c").series("s").read();
        EXPECT_TRUE(got.equals(want) || got.size() == 4000u);
        expect_sound(repo);
        gc(repo, now);
        gc(repo, now);
        EXPECT_TRUE(repo.collection("c").series("s").read().equals(got));
        expect_sound(repo);
      });
  EXPECT_GT(calls, 10);
}

}  // namespace
}  // namespace lakota
