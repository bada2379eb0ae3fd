// Runs independent jobs (segment copies, file checks, S3 requests in flight) on a few
// threads: storage jobs wait on I/O more than on the CPU. Internal, shared by the layers.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace lakota {

// Calls job(i) for i in [0, n) on up to `workers` threads. The first exception stops the
// remaining jobs and is rethrown once every thread has stopped.
inline void parallel_for(size_t n, size_t workers, const std::function<void(size_t)>& job) {
  if (n == 0) return;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mu;
  auto run = [&] {
    for (size_t i; !failed && (i = next++) < n;) {
      try {
        job(i);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  size_t threads = std::min(workers, n);
  std::vector<std::thread> pool;
  try {
    for (size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  } catch (const std::system_error&) {  // no more threads: the ones running and this one do it
  }
  run();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace lakota
