#include "thread_pool.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

namespace lakota {
namespace {

// Beyond this many threads, work waits in the queue (or is done by whoever waits for it).
constexpr size_t kMaxThreads = 128;
// A thread idle this long leaves.
constexpr auto kIdleTimeout = std::chrono::seconds(10);

class Pool {
 public:
  void post(std::function<void()> work) {
    bool grow = false;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(work));
      // Every idle thread already has work coming its way: one more is needed.
      if (queue_.size() > idle_ && threads_ < kMaxThreads) {
        ++threads_;
        grow = true;
      }
    }
    if (!grow) {
      cv_.notify_one();
      return;
    }
    try {
      std::thread([this] { serve(); }).detach();
    } catch (...) {  // no more threads (or memory): the waiters do the work
      std::lock_guard lock(mu_);
      --threads_;
    }
  }

  size_t threads() {
    std::lock_guard lock(mu_);
    return threads_;
  }

 private:
  void serve() {
    std::unique_lock lock(mu_);
    for (;;) {
      if (queue_.empty()) {
        ++idle_;
        while (queue_.empty()) {
          if (cv_.wait_for(lock, kIdleTimeout) == std::cv_status::timeout && queue_.empty()) {
            --idle_;
            --threads_;
            return;
          }
        }
        --idle_;
      }
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      work();
      work = nullptr;  // its captures go before the thread waits again
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  size_t idle_ = 0, threads_ = 0;
};

// Never destroyed: detached threads may still wait on it while the process exits. A forked
// child has none of its parent's threads, so it starts a pool of its own (the parent's is
// left as it is: its lock may have been held by a thread the child does not have).
std::atomic<Pool*> the_pool{nullptr};

[[maybe_unused]] const int registered = pthread_atfork(nullptr, nullptr, [] {
  if (the_pool.load()) the_pool.store(new Pool);
});

Pool& pool() {
  Pool* p = the_pool.load(std::memory_order_acquire);
  if (p) return *p;
  auto* fresh = new Pool;
  if (the_pool.compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return *fresh;
  delete fresh;  // another thread's came first
  return *p;
}

}  // namespace

void pool_post(std::function<void()> work) { pool().post(std::move(work)); }

size_t pool_threads() { return pool().threads(); }

void parallel_for(size_t n, size_t workers, const std::function<void(size_t)>& job) {
  if (n == 0) return;
  size_t helpers = std::min(std::max<size_t>(workers, 1), n) - 1;
  if (helpers == 0) {
    for (size_t i = 0; i < n; ++i) job(i);
    return;
  }
  // Shared with the helpers, which may start after the caller has returned: they then find
  // nothing left and never touch `job`.
  struct Shared {
    std::atomic<size_t> next{0}, finished{0};
    std::atomic<bool> failed{false};
    std::mutex mu;
    std::exception_ptr error;
    size_t n;
    const std::function<void(size_t)>* job;
    void run() {
      for (size_t i; !failed.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < n;) {
        try {
          (*job)(i);
        } catch (...) {
          std::lock_guard lock(mu);
          if (!error) error = std::current_exception();
          failed = true;
        }
        finished.fetch_add(1, std::memory_order_acq_rel);
        finished.notify_all();
      }
    }
  };
  auto shared = std::make_shared<Shared>();
  shared->n = n;
  shared->job = &job;
  try {
    for (size_t h = 0; h < helpers; ++h) pool_post([shared] { shared->run(); });
  } catch (...) {  // out of memory: the helpers posted and the caller do it all
  }
  shared->run();
  // No index is handed out after this; wait for the ones that were.
  size_t claimed = std::min(shared->next.exchange(n), n);
  for (size_t f; (f = shared->finished.load(std::memory_order_acquire)) != claimed;) shared->finished.wait(f);
  if (shared->error) std::rethrow_exception(shared->error);
}

}  // namespace lakota
