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

void* map_zeroed(size_t n) {
  void* p = ::mmap(nullptr, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) / kHugePage * kHugePage;
  auto end = (reinterpret_cast<uintptr_t>(p) + n) / kHugePage * kHugePage;
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  return p;
}

void unmap(void* p, size_t n) { ::munmap(p, n ? n : 1); }

}  // namespace lakota
