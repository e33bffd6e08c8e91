// `tracechain verify` end to end: the built CLI audits a live node (--url) and a data directory (--dir),
// names the first bad seq of a ledger tampered with on disk, and with --checkpoint catches a node that
// rewrote or rolled back history. DESIGN.md, sections "Entry", "Checkpoint" and "CLI".

import t from 'tap'
import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { DOMAIN_KINDS, readKeyFile } from '../../src/cli/node-dir.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { appendAll, getCheckpoint, registrations, runCli, startNode } from '../helpers/node-process.js'
import { hostileServer } from '../helpers/hostile-server.js'
import { testDir } from '../helpers/test-dir.js'

// Each verify now compiles the schemas for its checks in the pool (~0.8 s a run): under a loaded CI machine
// the file has taken 95 s, close to tap's 120 s default.
t.setTimeout(300_000)

/** Where entry `seq` lies in the stopped node's db/entries.bin: entries.idx holds each entry's end
 *  offset as 8 bytes big-endian (src/store/entry-file.ts). */
function entrySpan(dir: string, seq: number): { file: string; start: number; end: number } {
  const index = readFileSync(join(dir, 'db', 'entries.idx'))
  if (index.length < (seq + 1) * 8) throw new Error(`no entry ${seq} on disk`)
  const start = seq === 0 ? 0 : Number(index.readBigUInt64BE((seq - 1) * 8))
  return { file: join(dir, 'db', 'entries.bin'), start, end: Number(index.readBigUInt64BE(seq * 8)) }
}

/** Rewrites one stored entry's bytes in place with `edit`, as a disk fault or an intruder would; returns the original bytes. */
function tamperEntry(dir: string, seq: number, edit: (text: string) => string): Uint8Array {
  const { file, start, end } = entrySpan(dir, seq)
  const all = readFileSync(file)
  const original = Uint8Array.from(all.subarray(start, end))
  const text = Buffer.from(original).toString('utf8')
  const edited = edit(text)
  if (Buffer.byteLength(edited) !== original.length || edited === text) throw new Error('the edit must change bytes in place')
  Buffer.from(edited, 'utf8').copy(all, start)
  writeFileSync(file, all)
  return original
}

function restoreEntry(dir: string, seq: number, bytes: Uint8Array): void {
  const { file, start } = entrySpan(dir, seq)
  const all = readFileSync(file)
  Buffer.from(bytes).copy(all, start)
  writeFileSync(file, all)
}

/** Replaces the character at `index` of `text` (ASCII) with another digit, or another base64 letter. */
function flipCharAt(text: string, index: number): string {
  const c = text[index]
  const replacement = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'A' ? 'B' : 'A'
  return text.slice(0, index) + replacement + text.slice(index + 1)
}

t.test('verify --url and --dir exit 0 on a good ledger', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await startNode({ dir, args: ['--seed'] })
  t.teardown(() => node.stop())
  const { size } = await getCheckpoint(node.url)
  t.ok(size > 20, `seeded to ${size} entries`)

  const byUrl = await runCli(['verify', '--url', node.url])
  t.equal(byUrl.code, 0, byUrl.stdout + byUrl.stderr)
  t.match(byUrl.stdout, new RegExp(`^ok: ${size} entries verified; size ${size}; root [0-9a-f]{64}\\n$`))
  const logKey = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const pinned = await runCli(['verify', '--url', node.url, '--log-key', logKey])
  t.equal(pinned.code, 0, 'with the log key pinned')

  t.equal(await node.stop(), 0)
  const byDir = await runCli(['verify', '--dir', dir])
  t.equal(byDir.code, 0, byDir.stdout + byDir.stderr)
  t.equal(byDir.stdout, byUrl.stdout, 'both audits find the same size and root')
})

t.test('a byte changed on disk: verify names the seq and why', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await startNode({ dir, args: ['--seed'] })
  t.teardown(() => node.stop())
  t.ok((await getCheckpoint(node.url)).size > 5, 'entries 3 and 5 exist')
  await node.stop()

  // One digit of entry 3's recordedAt (milliseconds): still canonical JSON, but not the leaf the tree commits to.
  const original3 = tamperEntry(dir, 3, (text) => {
    const at = text.indexOf('"recordedAt":"') + '"recordedAt":"'.length
    t.match(text.slice(at, at + 24), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    return flipCharAt(text, at + 21)
  })
  const recorded = await runCli(['verify', '--dir', dir])
  t.equal(recorded.code, 1, recorded.stdout + recorded.stderr)
  t.match(recorded.stdout, /^FAILED at seq 3: ENTRY_INVALID: .*leaf hash.* \(3 entries checked\)/)

  // Served as it is, the tampered entry no longer chains to the one after it.
  const tampered = await startNode({ dir })
  t.teardown(() => tampered.stop())
  const overHttp = await runCli(['verify', '--url', tampered.url])
  t.equal(overHttp.code, 1, overHttp.stdout + overHttp.stderr)
  t.match(overHttp.stdout, /^FAILED at seq [34]: (ENTRY_INVALID|CHAIN_BROKEN): /)
  await tampered.stop()

  // Put the byte back: clean again, so the next finding is the signature's alone.
  restoreEntry(dir, 3, original3)
  t.equal((await runCli(['verify', '--dir', dir])).code, 0, 'restored')

  // One character of entry 5's signature.
  tamperEntry(dir, 5, (text) => flipCharAt(text, text.indexOf('"sig":"') + '"sig":"'.length + 10))
  const signature = await runCli(['verify', '--dir', dir])
  t.equal(signature.code, 1, signature.stdout + signature.stderr)
  t.match(signature.stdout, /^FAILED at seq 5: SIGNATURE_INVALID: /)
  const served = await startNode({ dir })
  t.teardown(() => served.stop())
  const signatureOverHttp = await runCli(['verify', '--url', served.url])
  t.equal(signatureOverHttp.code, 1)
  t.match(signatureOverHttp.stdout, /^FAILED at seq 5: SIGNATURE_INVALID: /)
})

t.test('--checkpoint: saved, then consistent; a rolled-back or rewritten history is caught', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const file = join(root, 'checkpoint.txt')

  // A node, and a snapshot of its directory at an early size (the rollback to come).
  const first = await startNode({ dir, args: ['--seed'] })
  t.teardown(() => first.stop())
  const early = await getCheckpoint(first.url)
  await first.stop()
  cpSync(dir, join(root, 'snapshot'), { recursive: true })

  const node = await startNode({ dir })
  t.teardown(() => node.stop())
  const logKey = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const saved = await runCli(['verify', '--url', node.url, '--checkpoint', file])
  t.equal(saved.code, 0, saved.stdout + saved.stderr)
  t.equal(readFileSync(file, 'utf8'), early.note, 'the first run saves the checkpoint it verified')

  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  await appendAll(node.url, registrations(operator, 'more', 40))
  const later = await getCheckpoint(node.url)
  t.equal(later.size, early.size + 40)
  const consistent = await runCli(['verify', '--url', node.url, '--checkpoint', file])
  t.equal(consistent.code, 0, consistent.stdout + consistent.stderr)
  t.match(consistent.stdout, `ok: ${later.size} entries verified; size ${later.size}; root `)
  t.match(consistent.stdout, `consistent with the checkpoint at size ${early.size}`)
  t.equal(readFileSync(file, 'utf8'), later.note, 'and moves the saved checkpoint forward')
  await node.stop()

  const dirFile = join(root, 'checkpoint-dir.txt')
  writeFileSync(dirFile, early.note)
  const consistentDir = await runCli(['verify', '--dir', dir, '--checkpoint', dirFile])
  t.equal(consistentDir.code, 0, consistentDir.stdout + consistentDir.stderr)
  t.match(consistentDir.stdout, `consistent with the checkpoint at size ${early.size}`)
  t.equal(readFileSync(dirFile, 'utf8'), later.note)

  t.test('rolled back: the snapshot, same keys and a true prefix, but shorter than the saved checkpoint', async (t) => {
    const snapshot = join(root, 'snapshot')
    const old = await startNode({ dir: snapshot })
    t.teardown(() => old.stop())
    t.equal((await getCheckpoint(old.url)).size, early.size)
    t.equal((await runCli(['verify', '--url', old.url])).code, 0, 'on its own it audits clean')
    const caught = await runCli(['verify', '--url', old.url, '--checkpoint', file])
    t.equal(caught.code, 1, caught.stdout + caught.stderr)
    t.match(caught.stdout, new RegExp(`^FAILED at seq ${early.size}: CHECKPOINT_MISMATCH: .*shrank from ${later.size} to ${early.size}: history was rolled back`))
    t.equal(readFileSync(file, 'utf8'), later.note, 'a failed run keeps the saved checkpoint')
    await old.stop()
    const caughtDir = await runCli(['verify', '--dir', snapshot, '--checkpoint', file])
    t.equal(caughtDir.code, 1, caughtDir.stdout + caughtDir.stderr)
    t.match(caughtDir.stdout, new RegExp(`^FAILED at seq ${early.size}: CHECKPOINT_MISMATCH: .*shrank from ${later.size} to ${early.size}: history was rolled back`))
  })

  t.test('rewritten: the same node key and operator key, another genesis and other statements', async (t) => {
    const forged = join(root, 'forged')
    cpSync(join(dir, 'keys'), join(forged, 'keys'), { recursive: true })
    cpSync(join(dir, 'node.json'), join(forged, 'node.json'))
    const { origin } = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { origin: string }
    const store = await LevelStore.open(join(forged, 'db'))
    try {
      const ledger = await Ledger.initialise(
        { store, nodeSigner: readKeyFile(join(forged, 'keys', 'node.json')), origin, ed: nodeEd25519, kinds: DOMAIN_KINDS },
        operator,
      )
      // Exactly the saved size first: the saved root must be recomputed at the very end of the log.
      const results = await ledger.submitMany(registrations(operator, 'forged', later.size - 1))
      t.notOk(results.some((r) => r instanceof Error), 'the forged statements are valid ones')
      t.equal(ledger.size, later.size)
      await ledger.close()
    } finally {
      await store.close()
    }

    const liar = await startNode({ dir: forged })
    t.teardown(() => liar.stop())
    t.equal((await (await fetch(`${liar.url}/v1/log/key`)).text()).trim(), logKey, 'it signs with the same log key')
    const alone = await runCli(['verify', '--url', liar.url])
    t.equal(alone.code, 0, 'without a checkpoint the forged log audits clean: it is a valid log')
    const equalSize = await runCli(['verify', '--url', liar.url, '--checkpoint', file])
    t.equal(equalSize.code, 1, equalSize.stdout + equalSize.stderr)
    t.match(equalSize.stdout, /^FAILED at seq \d+: CHECKPOINT_MISMATCH: history rewritten: /)

    await appendAll(liar.url, registrations(operator, 'forged-more', 30))
    const larger = await runCli(['verify', '--url', liar.url, '--checkpoint', file])
    t.equal(larger.code, 1, larger.stdout + larger.stderr)
    t.match(larger.stdout, /^FAILED at seq \d+: CHECKPOINT_MISMATCH: history rewritten: /)
    t.equal(readFileSync(file, 'utf8'), later.note, 'a failed run keeps the saved checkpoint')
    await liar.stop()

    const byDir = await runCli(['verify', '--dir', forged, '--checkpoint', file])
    t.equal(byDir.code, 1, byDir.stdout + byDir.stderr)
    t.match(byDir.stdout, /^FAILED at seq \d+: CHECKPOINT_MISMATCH: history rewritten: /)
  })
})

t.test('verify --url reads no more of an answer than it can hold: an endless checkpoint, a gzip bomb of entries', async (t) => {
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node') })
  t.teardown(() => node.stop())
  for (const [route, mode, said] of [
    ['/v1/checkpoint', 'endless', /BODY_TOO_LARGE: GET http:\/\/127\.0\.0\.1:\d+\/v1\/checkpoint: the node sent more than the 1048576 bytes/],
    ['/v1/entries', 'bomb', /BODY_TOO_LARGE: GET http:\/\/127\.0\.0\.1:\d+\/v1\/entries\?from=0&limit=\d+: the node sent more than the \d+ bytes/],
  ] as const) {
    // The node, but for a body without end at one route.
    const server = await hostileServer(t, (path) => node.url + path, (path) => (path.startsWith(route) ? mode : undefined))
    const started = Date.now()
    const run = await runCli(['verify', '--url', server.url])
    t.not(run.code, 0, `${route}: refused`)
    t.match(run.stderr, said, `${route}: named, with the bound`)
    t.ok(Date.now() - started < 30_000, `${route}: in ${Date.now() - started} ms`)
    if (mode === 'endless') t.ok(server.sent() < 64 * 1024 * 1024, `${route}: ${server.sent()} bytes sent before the auditor hung up`)
  }
})
