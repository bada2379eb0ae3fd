#include "blosc_array.h"

#include <algorithm>
#include <cstring>

#include "lakota/error.h"

namespace lakota {

BloscArray::BloscArray(BlobPtr whole, const ColumnDef& def, std::string what)
    : def_(def), what_(std::move(what)), whole_(std::move(whole)) {
  bytes_ = whole_->bytes();
  init();
}

BloscArray::BloscArray(PodPtr pod, std::string path, uint64_t size, const ColumnDef& def, std::string what)
    : def_(def), what_(std::move(what)), pod_(std::move(pod)), path_(std::move(path)) {
  // Zeroed: bytes a hostile block points at without our fetching them read as zeros, never
  // as stale memory.
  sparse_ = std::make_shared<Buffer>(size_t(size), Buffer::Zeroed{});
  bytes_ = std::string_view(reinterpret_cast<const char*>(sparse_->bytes.get()), sparse_->size);
  fetch(0, std::min<size_t>(bytes_.size(), 16));
  fetch(16, std::min(bytes_.size(), blosc_table_end(bytes_.substr(0, std::min<size_t>(bytes_.size(), 16)))));
  init();
}

void BloscArray::init() {
  info_ = blosc_info(bytes_, def_.dtype.size, what_);
  if (!sparse_) return;
  starts_ = blosc_block_starts(bytes_, info_);
  sorted_starts_ = starts_;
  std::sort(sorted_starts_.begin(), sorted_starts_.end());
  fetched_.assign(starts_.size(), false);
}

std::pair<size_t, size_t> BloscArray::block_range(size_t block) const {
  size_t begin = starts_[block];
  auto next = std::upper_bound(sorted_starts_.begin(), sorted_starts_.end(), begin);
  return {begin, next == sorted_starts_.end() ? info_.cbytes : *next};
}

void BloscArray::fetch(size_t begin, size_t end) {
  if (end <= begin) return;
  if (pod_->read_range_into(path_, begin, end - begin, reinterpret_cast<char*>(sparse_->bytes.get()) + begin) !=
      end - begin) {
    throw CorruptData(what_ + ": the file is shorter than its header says (truncated while being read?)");
  }
}

Column BloscArray::decode(size_t start, size_t count) {
  size_t n = size();
  if (start > n || count > n - start) {
    throw CorruptData(what_ + ": holds " + std::to_string(n) + " values, the read needs " + std::to_string(start + count));
  }
  // Within one kept block: a slice of it.
  size_t per = block_items();
  if (count && start / per == (start + count - 1) / per) {
    auto it = blocks_.find(start / per);
    if (it != blocks_.end()) return it->second.slice(start % per, start % per + count);
  }
  if (sparse_ && count) {
    size_t first = start / per, last = (start + count - 1) / per;
    // Adjacent blocks are fetched in one read.
    size_t run_begin = 0, run_end = 0;
    auto flush = [&] {
      fetch(run_begin, run_end);
      run_begin = run_end = 0;
    };
    for (size_t b = first; b <= last; ++b) {
      if (fetched_[b]) continue;
      auto [begin, end] = block_range(b);
      if (run_end && begin != run_end) flush();
      if (!run_end) run_begin = begin;
      run_end = end;
    }
    if (run_end) flush();
    for (size_t b = first; b <= last; ++b) fetched_[b] = true;
  }
  auto buf = std::make_shared<Buffer>(count * def_.dtype.size);
  blosc_decode_items(bytes_, info_, start, count, buf->bytes.get(), what_);
  return Column(def_.dtype, std::move(buf), count);
}

const Column& BloscArray::block(size_t k) {
  auto it = blocks_.find(k);
  if (it != blocks_.end()) return it->second;
  size_t per = block_items(), start = k * per;
  if (start >= size()) throw CorruptData(what_ + ": has no block " + std::to_string(k));
  Column c = decode(start, std::min(per, size() - start));
  return blocks_.emplace(k, std::move(c)).first->second;
}

}  // namespace lakota
