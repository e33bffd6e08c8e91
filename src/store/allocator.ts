// Which malloc the process runs on, for the line `tracechain serve` prints about it.
//
// Why it matters: LevelDB allocates and frees each open table's index block from several threads (its
// compaction thread, the thread pool's reads). Once the store holds more tables than it keeps open
// (level-store.ts, OPEN_TABLES), it closes one for nearly every one it opens, some 30 a second under
// 2,000 appends a second. glibc's malloc gives back to the kernel only the top of each arena, so under
// that churn the process's memory keeps creeping while the memory in use does not; jemalloc gives back
// pages freed a while ago. docs/storage.md has the soaks' figures. A process cannot choose its malloc once
// started: the operator preloads it (LD_PRELOAD), as docs/storage.md shows; under glibc's the node trims
// what was freed (malloc-trim.ts).

import { readFileSync } from 'node:fs'

export type AllocatorName = 'jemalloc' | 'tcmalloc' | 'mimalloc' | 'glibc' | 'unknown'

export interface Allocator {
  name: AllocatorName
  /** the shared library mapped for it, when it is a preloaded one */
  library?: string
}

const PRELOADED: [AllocatorName, RegExp][] = [
  ['jemalloc', /\/libjemalloc[^/]*\.so[^/]*$/],
  ['tcmalloc', /\/libtcmalloc[^/]*\.so[^/]*$/],
  ['mimalloc', /\/libmimalloc[^/]*\.so[^/]*$/],
]
// glibc 2.34 and later map libc.so.6; older ones libc-2.NN.so. musl's libc is named otherwise.
const GLIBC = /\/libc(?:-2\.\d+)?\.so(?:\.6)?$/

/**
 * The allocator of a process from its /proc/PID/maps text: a preloaded malloc library mapped into it,
 * else glibc's malloc where glibc's libc is mapped, else unknown (musl, another libc).
 */
export function allocatorOf(maps: string): Allocator {
  let glibc = false
  for (const line of maps.split('\n')) {
    const at = line.indexOf('/')
    if (at < 0) continue
    const path = line.slice(at)
    for (const [name, pattern] of PRELOADED) if (pattern.test(path)) return { name, library: path }
    if (GLIBC.test(path)) glibc = true
  }
  return { name: glibc ? 'glibc' : 'unknown' }
}

/** This process's allocator; unknown off Linux or where /proc cannot be read. */
export function processAllocator(): Allocator {
  try {
    return allocatorOf(readFileSync('/proc/self/maps', 'utf8'))
  } catch {
    return { name: 'unknown' }
  }
}
