// The engine's worker threads (thread_pool.h): jobs run once each, side by side, on threads
// that are kept; errors, nesting and a forked child.
#include "thread_pool.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lakota {
namespace {

using namespace std::chrono_literals;

pid_t tid() { return pid_t(syscall(SYS_gettid)); }

// Jobs 0 and 1 each wait until the other has started: they return true only if they ran
// side by side (false after 20 s, whatever the machine's load).
struct Rendezvous {
  std::atomic<int> started{0};
  bool meet() {
    started.fetch_add(1);
    auto until = std::chrono::steady_clock::now() + 20s;
    while (started.load() < 2) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(100us);
    }
    return true;
  }
};

TEST(ThreadPool, ParallelForRunsEveryIndexOnceSideBySide) {
  for (size_t workers : {1, 2, 4, 16}) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(runs.size(), workers, [&](size_t i) { runs[i].fetch_add(1); });
    for (size_t i = 0; i < runs.size(); ++i) ASSERT_EQ(runs[i].load(), 1) << "index " << i << ", " << workers << " workers";
  }
  Rendezvous r;
  std::atomic<bool> met{true};
  parallel_for(2, 2, [&](size_t) { met = r.meet() && met; });
  EXPECT_TRUE(met) << "two workers ran the two jobs one after the other";
}

TEST(ThreadPool, KeepsItsThreads) {
  // A thread started per job would show a new thread id each time.
  std::mutex mu;
  std::set<pid_t> helpers;
  pid_t caller = tid();
  size_t before = pool_threads();  // other tests' threads may be idle in it
  for (int k = 0; k < 40; ++k) {
    std::this_thread::sleep_for(1ms);  // the last job's thread is idle again
    Rendezvous r;
    parallel_for(2, 2, [&](size_t) {
      r.meet();
      std::lock_guard lock(mu);
      if (tid() != caller) helpers.insert(tid());
    });
  }
  EXPECT_GE(helpers.size(), 1u);
  EXPECT_LE(helpers.size(), before + 8) << "40 jobs on other threads took " << helpers.size() << " threads";
  EXPECT_GE(pool_threads(), 1u);
}

TEST(ThreadPool, TheFirstErrorIsRethrownOnceEveryStartedJobIsDone) {
  std::atomic<int> running{0}, ran{0};
  try {
    parallel_for(200, 4, [&](size_t i) {
      running.fetch_add(1);
      std::this_thread::sleep_for(200us);
      ran.fetch_add(1);
      running.fetch_sub(1);
      if (i == 3) throw std::runtime_error("job 3 failed");
    });
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "job 3 failed");
  }
  EXPECT_EQ(running.load(), 0) << "a job still ran after parallel_for returned";
  EXPECT_LT(ran.load(), 200) << "the jobs after the error were not stopped";
}

TEST(ThreadPool, JobsThatStartJobsFinish) {
  // Every level waits for the level below: with a fixed set of threads this could deadlock;
  // here whoever waits does the work no thread has taken.
  std::atomic<int> leaves{0};
  std::function<void(int)> level = [&](int depth) {
    if (depth == 0) {
      leaves.fetch_add(1);
      return;
    }
    parallel_for(4, 4, [&](size_t) { level(depth - 1); });
  };
  level(4);
  EXPECT_EQ(leaves.load(), 256);
  std::vector<Task<int>> tasks;
  for (int k = 0; k < 50; ++k)
    tasks.emplace_back([k] { return run_beside([k] { return k * 2; }).get() + 1; });
  for (int k = 0; k < 50; ++k) EXPECT_EQ(tasks[k].get(), k * 2 + 1);
}

TEST(ThreadPool, TaskGivesItsResultOrItsErrorAndNeverOutlivesItsCaller) {
  EXPECT_EQ(run_beside([] { return std::string("done"); }).get(), "done");
  auto failing = run_beside([]() -> int { throw std::invalid_argument("bad input"); });
  EXPECT_THROW(failing.get(), std::invalid_argument);
  std::atomic<bool> finished{false};
  {
    Rendezvous r;
    auto slow = run_beside([&] {
      r.meet();
      std::this_thread::sleep_for(50ms);
      finished = true;
    });
    ASSERT_TRUE(r.meet()) << "the job never started on a pool thread";
  }  // the Task's end waits for the job, which uses `finished` and `r`
  EXPECT_TRUE(finished.load());
  // Moved into: the job it held is waited for first.
  std::atomic<int> done{0};
  Task<void> t([&] { done.fetch_add(1); });
  t = Task<void>([&] { done.fetch_add(10); });
  t.wait();
  EXPECT_EQ(done.load(), 11);
}

TEST(ThreadPool, AForkedChildHasThreadsOfItsOwn) {
  parallel_for(8, 4, [](size_t) { std::this_thread::sleep_for(1ms); });  // the parent's pool has idle threads
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The parent's threads are not in the child: jobs must still run side by side.
    Rendezvous r;
    std::atomic<bool> met{true};
    parallel_for(2, 2, [&](size_t) { met = r.meet() && met; });
    _exit(met ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child ran its two jobs one after the other";
}

}  // namespace
}  // namespace lakota
