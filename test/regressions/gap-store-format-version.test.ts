// Gap (store): a store kept no format version, so an older tracechain opening a data directory that a newer one
// wrote (whose records it may misread) went ahead. Now db/format-version holds the store's format: written when a
// store is made, checked at every open before LevelDB is opened (opening LevelDB rewrites its log, its manifest
// and its LOG), and a newer format is refused with STORE_FORMAT_NEWER, exit 2, naming both versions, with nothing
// in the directory changed. A directory from before the version was kept is taken as the current format.

import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { STORE_FORMAT_FILE, STORE_FORMAT_VERSION } from '../../src/store/store-format.js'
import { CLI, ROOT, runCli, startMirror, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/ledger-v1/', import.meta.url))

/** Every file under `dir`: its bytes' hash, size and mtime, so a rewrite of the same bytes shows too. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name)
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`)
      else {
        const stat = statSync(path)
        files[`${prefix}${entry.name}`] = `${stat.size} ${stat.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`
      }
    }
  }
  walk(dir, '')
  return files
}

function recordNewer(dir: string): void {
  writeFileSync(join(dir, 'db', STORE_FORMAT_FILE), `${STORE_FORMAT_VERSION + 1}\n`)
}

/** runCli for a command that serves when it is not refused: killed after a while rather than left running. */
function runRefused(args: string[]): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' })
  return { code: run.status, stderr: run.stderr }
}

const NEWER = new RegExp(`STORE_FORMAT_NEWER: .*format ${STORE_FORMAT_VERSION + 1}\\b.*\\b${STORE_FORMAT_VERSION}\\b`)

t.test("a node's directory of a newer format is refused by serve, verify, trace and publish, and left as it was", async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const init = await runCli(['init', '--dir', dir])
  t.equal(init.code, 0, init.stderr)
  t.equal(readFileSync(join(dir, 'db', STORE_FORMAT_FILE), 'utf8'), `${STORE_FORMAT_VERSION}\n`, 'init records the format')
  recordNewer(dir)
  const before = snapshot(dir)
  for (const args of [
    ['serve', '--dir', dir, '--port', '0', '--host', '127.0.0.1'],
    ['verify', '--dir', dir],
    ['trace', '--id', 'urn:epc:id:sgtin:6901234.000001.1', '--dir', dir],
    ['publish', '--dir', dir, '--out', join(root, 'static')],
  ]) {
    const run = ['serve', 'mirror'].includes(args[0]) ? runRefused(args) : await runCli(args)
    t.equal(run.code, 2, `${args[0]} exits 2`)
    t.match(run.stderr, NEWER, `${args[0]} says STORE_FORMAT_NEWER with both versions`)
    t.same(snapshot(dir), before, `${args[0]} changed nothing in the directory`)
  }
  t.notOk(existsSync(join(root, 'static', 'checkpoint')), 'publish wrote no log')
})

t.test("a mirror's directory of a newer format is refused by mirror and verify, and left as it was", async (t) => {
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node') })
  t.teardown(() => node.stop())
  const key = /log key\s+(\S+)/.exec(node.output())?.[1] ?? ''
  const dir = join(root, 'mirror')
  const first = await startMirror({ dir, from: `${node.url}/tlog/`, key })
  t.teardown(() => first.stop())
  await first.stop()
  recordNewer(dir)
  const before = snapshot(dir)
  for (const args of [
    ['mirror', '--dir', dir, '--from', `${node.url}/tlog/`, '--key', key, '--port', '0', '--host', '127.0.0.1'],
    ['verify', '--dir', dir],
  ]) {
    const run = ['serve', 'mirror'].includes(args[0]) ? runRefused(args) : await runCli(args)
    t.equal(run.code, 2, `${args[0]} exits 2`)
    t.match(run.stderr, NEWER, `${args[0]} says STORE_FORMAT_NEWER with both versions`)
    t.same(snapshot(dir), before, `${args[0]} changed nothing in the directory (mirror.json is not rewritten)`)
  }
})

t.test('a directory from before the format was kept opens as the current format and gets the record', async (t) => {
  const root = testDir(t)
  const golden = join(root, 'golden')
  cpSync(FIXTURE, golden, { recursive: true })
  t.notOk(existsSync(join(golden, 'db', STORE_FORMAT_FILE)), 'the first release kept no format')
  const verified = await runCli(['verify', '--dir', golden])
  t.equal(verified.code, 0, verified.stdout + verified.stderr)
  t.equal(readFileSync(join(golden, 'db', STORE_FORMAT_FILE), 'utf8'), `${STORE_FORMAT_VERSION}\n`)

  const dir = join(root, 'node')
  t.equal((await runCli(['init', '--dir', dir])).code, 0)
  rmSync(join(dir, 'db', STORE_FORMAT_FILE))
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  t.match(node.output(), /listening/)
  await node.stop()
  t.equal(readFileSync(join(dir, 'db', STORE_FORMAT_FILE), 'utf8'), `${STORE_FORMAT_VERSION}\n`)
})
