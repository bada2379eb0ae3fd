// A lone-blosc array read by element ranges. A large segment file is fetched piecewise:
// its header and block table first, then only the blocks a range needs (a pread each on a
// file pod; range requests on remote pods), so a range read of a large series touches a
// few blocks without memory-mapping the file. Small files and embedded arrays are read
// whole. Internal to the api layer; single-threaded.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lakota/model/schema.h"
#include "lakota/storage/pod.h"

namespace lakota {

class BloscArray {
 public:
  // Over bytes read whole.
  BloscArray(BlobPtr whole, const ColumnDef& def, std::string what);
  // Over a file of `size` bytes, fetched on demand.
  BloscArray(PodPtr pod, std::string path, uint64_t size, const ColumnDef& def, std::string what);

  size_t size() const { return info_.nbytes / def_.dtype.size; }
  // Elements per blosc block.
  size_t block_items() const { return std::max<size_t>(1, info_.blocksize / def_.dtype.size); }
  // Elements [start, start + count). Throws CorruptData naming the file.
  Column decode(size_t start, size_t count);
  // Block `k`, decoded once and kept: a search visits blocks that the read of its range
  // then takes again.
  const Column& block(size_t k);

 private:
  void fetch(size_t begin, size_t end);
  void init();
  std::pair<size_t, size_t> block_range(size_t block) const;

  const ColumnDef& def_;
  std::string what_;
  BlobPtr whole_;
  PodPtr pod_;
  std::string path_;
  std::shared_ptr<Buffer> sparse_;  // the file's size, filled where fetched
  std::string_view bytes_;
  std::vector<bool> fetched_;  // per block, when sparse
  std::vector<size_t> starts_, sorted_starts_;
  std::map<size_t, Column> blocks_;
  BloscInfo info_{};
};

}  // namespace lakota
