#include "lakota/memory.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace lakota {

void* allocate_uninitialised(size_t n, size_t huge_from) {
  void* p = nullptr;
  if (n >= huge_from && n >= kHugePage) {
    size_t rounded = (n + kHugePage - 1) / kHugePage * kHugePage;
    p = std::aligned_alloc(kHugePage, rounded);
    if (p) ::madvise(p, rounded, MADV_HUGEPAGE);
  } else {
    p = std::malloc(n ? n : 1);
  }
  if (!p) throw std::bad_alloc();
  return p;
}

void* allocate_zeroed(size_t n, size_t huge_from) {
  void* p = std::calloc(n ? n : 1, 1);
  if (!p) throw std::bad_alloc();
  if (n >= huge_from && n >= 2 * kHugePage) {
    auto begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) / kHugePage * kHugePage;
    auto end = (reinterpret_cast<uintptr_t>(p) + n) / kHugePage * kHugePage;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
  return p;
}

}  // namespace lakota
