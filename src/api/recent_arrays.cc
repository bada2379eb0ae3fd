// Arrays written lately through a Repo: see recent_arrays.h.
#include "recent_arrays.h"

#include <cstring>

namespace lakota {

void RecentArrays::put(const std::string& digest, const Column& values) {
  if (!values.dtype().fixed_width() || values.empty()) return;
  size_t n = values.nbytes();
  if (n > budget_ / 4) return;
  // A cache never fails a write: without memory for the copy, the array is not kept.
  try {
    {
      std::lock_guard lock(mutex_);
      if (entries_.count(digest)) return;
    }
    auto copy = std::make_shared<Buffer>(n);
    std::memcpy(copy->bytes.get(), values.data(), n);
    Column entry(values.dtype(), std::move(copy), values.size());
    std::lock_guard lock(mutex_);
    auto [at, added] = entries_.emplace(digest, std::move(entry));
    if (!added) return;
    try {
      order_.push_back(digest);
    } catch (...) {
      entries_.erase(at);
      throw;
    }
    bytes_ += n;
    while (bytes_ > budget_ && !order_.empty()) {
      auto it = entries_.find(order_.front());
      if (it != entries_.end()) {
        bytes_ -= it->second.nbytes();
        entries_.erase(it);
      }
      order_.pop_front();
    }
  } catch (const std::bad_alloc&) {
  }
}

std::optional<Column> RecentArrays::get(const std::string& digest) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

size_t RecentArrays::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

Column place_column(const Column& values, const DecodeTarget* target) {
  size_t n = values.nbytes();
  if (!target || !target->at || target->size != n || !values.dtype().fixed_width()) return values;
  std::memcpy(target->at, values.data(), n);
  return Column(values.dtype(), std::make_shared<Buffer>(target->at, n, Buffer::View{}, target->owner), values.size());
}

}  // namespace lakota
