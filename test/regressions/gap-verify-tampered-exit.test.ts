// Gap (verify): a tampered log is a verdict, not an operator's mistake. `verify --dir` on a data directory whose
// entry file was cut (STORE_CORRUPT at open) and `verify --url` against a node serving an entry with a malformed
// leafHash exited 2, as a bad flag does, where an entry rewritten in place or a well-formed wrong leafHash exits 1
// naming the seq. Now each damage is FAILED at its seq, exit 1, as the other damage to the same log is; exit 2 stays
// for the operator's mistakes (a missing directory).

import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { makeNode } from '../helpers/ledger.js'
import { runCli, startNode } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { testDir } from '../helpers/test-dir.js'

t.test('verify --dir: an entry file cut short and an entry rewritten in place are both FAILED at the seq, exit 1', async (t) => {
  const root = testDir(t)
  const made = async (name: string) => {
    const dir = join(root, name)
    const node = await makeNode(dir)
    for (let i = 0; i < 3; i++) await node.register(`farm-${i}`, ['farm'])
    const lastSeq = node.ledger.size - 1
    await node.close()
    return { dir, lastSeq, data: join(dir, 'db', 'entries.bin') }
  }
  const cut = await made('cut')
  truncateSync(cut.data, statSync(cut.data).size - 7)
  const rewritten = await made('rewritten')
  // One character in the middle of entry 1, same length: it no longer hashes to its leaf, and the store still opens.
  const bytes = readFileSync(rewritten.data)
  const index = readFileSync(join(rewritten.dir, 'db', 'entries.idx'))
  let at = Math.floor((Number(index.readBigUInt64BE(0)) + Number(index.readBigUInt64BE(8))) / 2)
  while (!/[A-Za-z]/.test(String.fromCharCode(bytes[at]))) at++
  bytes[at] = bytes[at] === 'A'.charCodeAt(0) ? 'B'.charCodeAt(0) : 'A'.charCodeAt(0)
  writeFileSync(rewritten.data, bytes)

  for (const [dir, seq] of [[cut.dir, cut.lastSeq], [rewritten.dir, 1]] as const) {
    const run = await runCli(['verify', '--dir', dir])
    t.equal(run.code, 1, `a verdict, exit 1: ${run.stdout}${run.stderr}`)
    t.match(run.stdout, new RegExp(`^FAILED at seq ${seq}: [A-Z_]+: `), 'naming the seq')
  }
  const missing = await runCli(['verify', '--dir', join(root, 'none')])
  t.equal(missing.code, 2, "a directory that is not there stays the operator's mistake")
})

t.test('verify --url: a malformed leafHash and a wrong one are both FAILED at that seq, exit 1', async (t) => {
  const dir = testDir(t)
  const made = await makeNode(dir)
  for (let i = 0; i < 3; i++) await made.register(`farm-${i}`, ['farm'])
  await made.close()
  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const proxy = await startRewritingProxy(t, node.url)
  const tampered = 2
  const serveLeafHash = (leafHash: string) => {
    proxy.rewriteBytes = (body, path) => {
      if (!path.startsWith('/v1/entries?')) return body
      const page = JSON.parse(body.toString('utf8')) as { entries: { entry: { seq: number }; leafHash: string }[] }
      for (const item of page.entries) if (item.entry.seq === tampered) item.leafHash = leafHash
      return Buffer.from(JSON.stringify(page))
    }
  }
  const outcomes: string[] = []
  for (const leafHash of ['zz'.repeat(32), 'ab'.repeat(32)]) {
    serveLeafHash(leafHash)
    const run = await runCli(['verify', '--url', proxy.url])
    t.equal(run.code, 1, `leafHash ${leafHash.slice(0, 4)}…: a verdict, exit 1: ${run.stdout}${run.stderr}`)
    t.match(run.stdout, new RegExp(`^FAILED at seq ${tampered}: ENTRY_INVALID`))
    outcomes.push(run.stdout.split(':')[0])
  }
  t.equal(outcomes[0], outcomes[1], 'the two verdicts name the same seq')
})
