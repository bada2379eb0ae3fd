// Memory for large arrays: file contents and column buffers, filled right after they are
// had, so nothing zero-fills them first.
#pragma once

#include <cstddef>

namespace lakota {

constexpr size_t kHugePage = size_t(2) << 20;

// `n` bytes, uninitialised, to be freed with std::free. From `huge_from` bytes on, aligned
// to and advised as transparent huge pages (a 28 MB array then costs 14 page faults, not
// 7,000). Throws std::bad_alloc.
void* allocate_uninitialised(size_t n, size_t huge_from);

// `n` zero bytes of a mapping of their own, to be freed with unmap(p, n): the kernel zeroes
// a page when it is first touched (calloc would memset the whole buffer when glibc serves
// it from its heap, as it does below a threshold that rises to 32 MiB). The whole huge
// pages inside are advised as such: a buffer mostly left untouched (a file's bytes fetched
// piecewise) then costs a fault per 2 MiB it is written in, not one per 4 KiB (a 1 % read:
// 1.49 -> 1.12-1.18 ms). Throws std::bad_alloc.
void* map_zeroed(size_t n);
void unmap(void* p, size_t n);

}  // namespace lakota
