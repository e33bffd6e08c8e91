// Which malloc the process runs on, for the line `tracechain serve` prints about it.
//
// Why it matters: LevelDB allocates and frees each open table's index block from several threads (its
// compaction thread, the thread pool's reads). Once the store holds more tables than it keeps open
// (level-store.ts, OPEN_TABLES), it closes one for nearly every one it opens, some 30 a second under
// 2,000 appends a second. Under glibc's malloc that churn fragments the threads' arenas: in a 50-minute
// soak their resident memory rose by about 1 MiB a minute after the open tables reached their bound.
// jemalloc's heap profiles of the same soak show the memory in use flat over that time (the tables'
// index blocks 18-31 MiB, the memtables, the 8 MiB block cache and the tile cache's buffers, all
// bounded), and under jemalloc the node's anonymous memory stayed at 384-410 MiB from 13 to 44 minutes
// (bench/README.md, docs/storage.md). jemalloc returns freed pages to the kernel as they age; glibc
// returns them only from the top of each arena. The node cannot choose its allocator once started: the
// operator preloads it (LD_PRELOAD), as the README's operating section and docs/storage.md show.

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
