#include "lakota/memory.h"

#include <sys/mman.h>

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

}  // namespace lakota
