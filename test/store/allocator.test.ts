// Which malloc a process runs on (store/allocator.ts), from its maps, and the line `tracechain serve`
// prints about it: under glibc's, what to preload instead; under jemalloc, the library. The second runs
// real nodes, one of them with jemalloc preloaded (Debian's libjemalloc2, which .ci/run installs).

import t from 'tap'
import { existsSync, realpathSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { allocatorOf } from '../../src/store/allocator.js'
import { startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

// /proc/PID/maps lines as Linux writes them (trimmed to the mappings that matter).
const line = (path: string) => `7f19a1a00000-7f19a1a28000 r--p 00000000 fe:00 1311052                    ${path}`
const GLIBC_NODE = [line('/usr/bin/node'), line('/usr/lib/x86_64-linux-gnu/libc.so.6'), '7ffd5c1f2000-7ffd5c213000 rw-p 00000000 00:00 0                          [stack]'].join('\n')

t.test('the allocator from the maps: a preloaded malloc first, else the libc', async (t) => {
  t.same(allocatorOf(GLIBC_NODE), { name: 'glibc' })
  const jemalloc = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2'
  t.same(allocatorOf(`${line(jemalloc)}\n${GLIBC_NODE}`), { name: 'jemalloc', library: jemalloc }, 'glibc is mapped too, but malloc is jemalloc')
  t.same(allocatorOf(`${GLIBC_NODE}\n${line('/opt/lib/libtcmalloc_minimal.so.4.5.9')}`), { name: 'tcmalloc', library: '/opt/lib/libtcmalloc_minimal.so.4.5.9' })
  t.same(allocatorOf(`${line('/usr/lib64/libmimalloc.so.2.1')}\n${GLIBC_NODE}`), { name: 'mimalloc', library: '/usr/lib64/libmimalloc.so.2.1' })
  t.same(allocatorOf(line('/lib64/libc-2.28.so')), { name: 'glibc' }, 'glibc before 2.34 names its libc by version')
  t.same(allocatorOf(`${line('/usr/bin/node')}\n${line('/lib/ld-musl-x86_64.so.1')}`), { name: 'unknown' }, 'musl: not glibc, nothing preloaded')
  t.same(allocatorOf(`${line('/home/me/libjemalloc-notes.txt')}\n${GLIBC_NODE}`), { name: 'glibc' }, 'a mapped file that is no shared library does not count')
  t.same(allocatorOf(''), { name: 'unknown' })
})

/** Where Debian's jemalloc is, if installed (ldconfig's cache knows every multiarch directory), as the
 *  maps name it: /lib is a link to /usr/lib on Debian 12. */
function jemallocLibrary(): string | undefined {
  try {
    const path = /libjemalloc\.so\.2 .*=> (\S+)/.exec(execFileSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8' }))?.[1]
    return path && existsSync(path) ? realpathSync(path) : undefined
  } catch {
    return undefined
  }
}

t.test('serve names its allocator: glibc with the advice, jemalloc with its library', { skip: process.platform !== 'linux' && 'reads /proc/self/maps: Linux only' }, async (t) => {
  const root = testDir(t)
  const plain = await startNode({ dir: join(root, 'glibc'), env: { LD_PRELOAD: '' } })
  t.teardown(() => plain.stop())
  t.match(plain.output(), "\n  allocator   glibc malloc: LevelDB's table churn fragments it under sustained appends; preload jemalloc for memory that levels off (docs/storage.md)\n")
  const library = jemallocLibrary()
  if (library === undefined) {
    const why = 'jemalloc not installed (apt-get install libjemalloc2)'
    if (process.env.CI) t.fail(`${why}; CI must install it`)
    else t.skip(why, () => undefined)
    return
  }
  const preloaded = await startNode({ dir: join(root, 'jemalloc'), env: { LD_PRELOAD: library } })
  t.teardown(() => preloaded.stop())
  t.match(preloaded.output(), `\n  allocator   jemalloc  (${library})\n`)
  t.equal(await preloaded.stop(), 0, 'and stops cleanly under it')
})
