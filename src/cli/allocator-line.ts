// The line `serve` and `mirror` print about the malloc they run on.

import { processAllocator } from '../store/allocator.js'
import type { MallocTrim } from '../store/malloc-trim.js'

/** The malloc the node runs on, and under glibc's how its freed memory goes back (store/allocator.ts, malloc-trim.ts). */
export function allocatorLine(mallocTrim: MallocTrim, allocator = processAllocator()): string[] {
  if (allocator.name === 'unknown') return []
  if (allocator.name !== 'glibc') return [`  allocator   ${allocator.name}  (${allocator.library})`]
  if (mallocTrim.state === 'trimming') return [`  allocator   glibc malloc, freed memory given back every ${mallocTrim.everySeconds} s (malloc_trim; docs/storage.md)`]
  return [`  allocator   glibc malloc, not trimmed (${mallocTrim.reason}): LevelDB's table churn fragments it under sustained appends; preload jemalloc for memory that levels off (docs/storage.md)`]
}
