// Which malloc a process runs on (store/allocator.ts), from its maps, and the line `tracechain serve` and
// `mirror` print about it: under glibc's, that freed memory is trimmed (store/malloc-trim.ts), or why not
// and what to preload instead; under jemalloc, the library. The second runs real nodes and a mirror, one
// node with jemalloc preloaded (Debian's libjemalloc2, which .ci/run installs).

import t from 'tap'
import { existsSync, realpathSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { allocatorOf } from '../../src/store/allocator.js'
import { runCli, startMirror, startNode } from '../helpers/node-process.js'
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

t.test('serve and mirror name their allocator: glibc trimmed or why not, jemalloc with its library', { skip: process.platform !== 'linux' && 'reads /proc/self/maps: Linux only' }, async (t) => {
  const root = testDir(t)
  const plain = await startNode({ dir: join(root, 'glibc'), env: { LD_PRELOAD: '' } })
  t.teardown(() => plain.stop())
  t.match(plain.output(), '\n  allocator   glibc malloc, freed memory given back every 10 s (malloc_trim; docs/storage.md)\n')
  const key = (await (await fetch(`${plain.url}/v1/log/key`)).text()).trim()
  const mirror = await startMirror({ dir: join(root, 'mirror'), from: `${plain.url}/tlog/`, key, env: { LD_PRELOAD: '', TRACECHAIN_MALLOC_TRIM_SECONDS: '30' } })
  t.teardown(() => mirror.stop())
  t.match(mirror.output(), '\n  allocator   glibc malloc, freed memory given back every 30 s (malloc_trim; docs/storage.md)\n', 'a mirror trims too, at the interval it was given')
  const untrimmed = await startNode({ dir: join(root, 'untrimmed'), env: { LD_PRELOAD: '', TRACECHAIN_MALLOC_TRIM_SECONDS: '0' } })
  t.teardown(() => untrimmed.stop())
  t.match(untrimmed.output(), "\n  allocator   glibc malloc, not trimmed (turned off): LevelDB's table churn fragments it under sustained appends; preload jemalloc for memory that levels off (docs/storage.md)\n")
  const refused = await runCli(['serve', '--dir', join(root, 'refused'), '--port', '0', '--host', '127.0.0.1'], { env: { TRACECHAIN_MALLOC_TRIM_SECONDS: 'often' } })
  t.equal(refused.code, 2, 'a bad interval stops serve before it opens anything')
  t.match(refused.stderr, /BAD_REQUEST.*TRACECHAIN_MALLOC_TRIM_SECONDS: "often" is not a number of seconds/)
  t.notOk(existsSync(join(root, 'refused')), 'and nothing was created')
  const library = jemallocLibrary()
  if (library === undefined) {
    const why = 'jemalloc not installed (apt-get install libjemalloc2)'
    if (process.env.CI) t.fail(`${why}; CI must install it`)
    else t.skip(why, () => undefined)
    return
  }
  const preloaded = await startNode({ dir: join(root, 'jemalloc'), env: { LD_PRELOAD: library } })
  t.teardown(() => preloaded.stop())
  t.match(preloaded.output(), `\n  allocator   jemalloc  (${library})\n`, 'nothing trimmed: jemalloc gives memory back itself')
  t.equal(await preloaded.stop(), 0, 'and stops cleanly under it')
})
