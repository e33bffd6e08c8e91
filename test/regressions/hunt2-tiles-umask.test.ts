// DIR is served by whatever serves files, as its own user: docs/static-log.md's nginx runs its workers as
// www-data. The publisher asked for 0644 files, but the mode of a new file or directory is what the umask leaves
// of it, and a service hardened as systemd-analyze security recommends runs with UMask=0077: every tile,
// bundle and the checkpoint came out 0600 in 0700 directories, nginx answered 403 for each, and the documented
// server block turns that into 404 "absent": mirrors and pages waited for a tree that never appeared. DIR's
// files are now readable by all (0644) and its directories searchable (0755) whatever the umask, as a public
// tree must be; the node's own data directory keeps its modes.

import t from 'tap'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, ROOT, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { filesOf } from '../helpers/static-log.js'

/** Reads `path` as the user nobody, as a web server's worker would. */
function readAsNobody(path: string): { status: number | null; stderr: string } {
  const run = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'cat', path], { encoding: 'utf8' })
  return { status: run.status, stderr: run.stderr }
}

t.test('under UMask=0077, what publish writes into DIR is readable by a web server running as another user', async (t) => {
  if (process.getuid?.() !== 0) return t.plan(0, 'skipped: reading as another user needs root')
  const node = join(testDir(t), 'node')
  t.equal((await runCli(['init', '--dir', node])).code, 0)
  // DIR where any user may reach it, as /srv is.
  const parent = mkdtempSync(join(tmpdir(), 'tracechain-umask-'))
  chmodSync(parent, 0o755)
  t.teardown(() => rmSync(parent, { recursive: true, force: true }))
  const dir = join(parent, 'tlog')

  const run = spawnSync('sh', ['-c', 'umask 077 && exec "$0" "$@"', process.execPath, CLI, 'publish', '--dir', node, '--out', dir], { cwd: ROOT, encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  const paths = [...filesOf(dir).keys()].sort()
  t.ok(paths.includes('checkpoint') && paths.some((path) => path.startsWith('tile/entries/')), paths.join(' '))
  for (const path of paths) {
    const read = readAsNobody(join(dir, path))
    t.equal(read.status, 0, `nobody reads ${path} ${read.stderr.trim()}`)
    t.equal(statSync(join(dir, path)).mode & 0o777, 0o644, `${path} is 0644`)
  }
  t.equal(statSync(join(dir, 'tile')).mode & 0o777, 0o755, 'tile/ is 0755')
  t.equal(statSync(join(node, 'keys')).mode & 0o777, 0o700, "the node's keys stay its own")
})
