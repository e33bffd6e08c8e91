// Which malloc the process runs on, for the line `tracechain serve` prints about it.
//
// Why it matters: LevelDB allocates and frees each open table's index block from several threads (its
// compaction thread, the thread pool's reads). Once the store holds more tables than it keeps open
// (level-store.ts, OPEN_TABLES), it closes one for nearly every one it opens, some 30 a second under
// 2,000 appends a second. Under glibc's malloc the threads' arenas then kept growing, by about 1 MiB a
// minute in a 50-minute soak, though the memory in use does not: jemalloc's heap profiles of the same
// workload put it at 114-206 MiB from 10 to 44 minutes (memtables, block cache, the tables' index blocks
// within their bound, the tile cache's buffers), none of it rising after the bound, and under jemalloc
// the lowest anonymous memory of each 10 minutes was 367-386 MiB, against 421-454 under glibc
// (bench/README.md, docs/storage.md). jemalloc gives pages freed a while ago back to the kernel; glibc
// gives back only the top of each arena. A process cannot choose its malloc once started: the operator
// preloads it (LD_PRELOAD), as docs/storage.md shows.

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
