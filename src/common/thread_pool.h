// The engine's worker threads, kept between jobs. Starting a thread and joining it costs
// about 35 us here, as much as a small read's decoding or a tenth of an append; every job
// that runs beside the caller (columns encoded, hashed and decoded side by side, pieces of a
// read, storage requests in flight) takes a kept thread instead.
//
// Work handed to the pool is also done by the one who waits for it when no thread has taken
// it yet: a wait never waits for a free thread, so jobs that start jobs cannot deadlock, and
// a busy pool is never slower than the caller alone. The pool grows while every thread is
// busy (storage jobs wait on I/O more than on the CPU), and a thread idle for a while leaves.
// Internal, shared by the layers.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace lakota {

// Runs `work` on a pool thread, later. It must not throw. Throws only std::bad_alloc, and
// then never runs it.
void pool_post(std::function<void()> work);

// Threads the pool holds now, busy or idle (for tests).
size_t pool_threads();

// A job that runs beside the caller: on a pool thread, or in get() if none has taken it.
template <class R>
class Task {
 public:
  Task() = default;
  template <class F>
  explicit Task(F&& fn) : state_(std::make_shared<State>(std::forward<F>(fn))) {
    try {
      pool_post([s = state_] { s->take(); });
    } catch (...) {  // out of memory: wait() runs it here
    }
  }
  Task(Task&&) noexcept = default;
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      wait();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  // A job borrows the caller's data: it never outlives its Task.
  ~Task() { wait(); }

  bool valid() const { return bool(state_); }
  // Runs the job here if no thread has taken it, else waits for it. Never throws.
  void wait() {
    if (!state_) return;
    state_->take();
    int s;
    while ((s = state_->status.load(std::memory_order_acquire)) != kDone) state_->status.wait(s);
  }
  // The job's result, or its exception rethrown. Once.
  R get() {
    if (!state_) throw std::logic_error("Task::get: no job (taken already?)");
    wait();
    auto s = std::move(state_);
    if (s->error) std::rethrow_exception(s->error);
    if constexpr (!std::is_void_v<R>) return std::move(*s->result);
  }

 private:
  static constexpr int kWaiting = 0, kTaken = 1, kDone = 2;
  struct State {
    template <class F>
    explicit State(F&& f) : fn(std::forward<F>(f)) {}
    std::atomic<int> status{kWaiting};
    std::function<R()> fn;
    std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
    std::exception_ptr error;
    // Runs the job if nobody has.
    void take() {
      int expected = kWaiting;
      if (!status.compare_exchange_strong(expected, kTaken, std::memory_order_acq_rel)) return;
      try {
        if constexpr (std::is_void_v<R>) fn();
        else result.emplace(fn());
      } catch (...) {
        error = std::current_exception();
      }
      fn = nullptr;  // what the job captured goes with it
      status.store(kDone, std::memory_order_release);
      status.notify_all();
    }
  };
  std::shared_ptr<State> state_;
};

template <class F>
auto run_beside(F&& fn) {
  return Task<std::invoke_result_t<std::decay_t<F>&>>(std::forward<F>(fn));
}

// Calls job(i) for i in [0, n) on the caller and up to `workers` - 1 pool threads. The first
// exception stops the jobs not yet started and is rethrown once every started job is done.
void parallel_for(size_t n, size_t workers, const std::function<void(size_t)>& job);

}  // namespace lakota
