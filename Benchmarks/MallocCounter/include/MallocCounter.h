#ifndef MALLOC_COUNTER_H
#define MALLOC_COUNTER_H
#include <stdint.h>

/// Number of malloc/calloc/realloc/posix_memalign/aligned_alloc calls made by this process so far
/// (counted by wrappers defined in MallocCounter.c that forward to glibc's __libc_* functions).
uint64_t malloc_counter_allocations(void);

#endif
