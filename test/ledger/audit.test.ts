// The audit of a run of entries (what `verify --dir`, GET /v1/verify and the browser run): entry
// bytes that are not the RFC 8785 form of the entry are named at their seq, however they differ; keys
// registered in a chunk count from their seq whether the next chunk was checked before or after it was
// walked; every statement's stateless checks run as the node ran them.

import t from 'tap'
import { fromUtf8, utf8 } from '../../src/core/bytes.js'
import type { Ed25519 } from '../../src/core/ed25519.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { Auditor, GENESIS_PREV, auditRange } from '../../src/ledger/audit.js'
import { DEFAULT_MAX_CLOCK_SKEW_MS, Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { makeNode, newSigner, type TestNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

t.test('entry bytes that are not canonical JSON are named at their seq', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  for (const id of ['farm-1', 'farm-2', 'farm-3']) await node.register(id, ['farm'])
  const entries = await node.ledger.getEntriesBytes(0, node.ledger.size)
  t.equal(entries.length, 4)

  const audit = async (tamper: (text: string) => Uint8Array) => {
    const auditor = new Auditor({ ed: nodeEd25519, checks: node.ledger.logChecks, from: 0, prevLeafHash: GENESIS_PREV })
    const chunk = entries.map((bytes, seq) => ({ seq, bytes: seq === 2 ? tamper(fromUtf8(bytes)) : bytes }))
    await auditor.feed(chunk)
    return { checked: auditor.checked, firstBad: auditor.firstBad }
  }

  t.same(await audit((text) => utf8(text)), { checked: 4, firstBad: undefined }, 'untouched, all four verify')
  const cases: [string, (text: string) => Uint8Array, RegExp][] = [
    ['a space after the first brace', (text) => utf8(`{ ${text.slice(1)}`), /not RFC 8785 canonical/],
    ['members out of order', (text) => utf8(JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(text)).reverse()))), /not RFC 8785 canonical/],
    ['a character escaped that needs no escape', (text) => utf8(text.replace('"seq"', '"\\u0073eq"')), /not RFC 8785 canonical/],
    ['not JSON', (text) => utf8(text.slice(0, -1)), /not UTF-8 JSON/],
    ['not UTF-8', (text) => Uint8Array.from([...utf8(text).subarray(0, 10), 0xff, ...utf8(text).subarray(11)]), /not UTF-8 JSON/],
  ]
  for (const [name, tamper, reason] of cases) {
    const { checked, firstBad } = await audit(tamper)
    t.equal(checked, 2, `${name}: the two before it verify`)
    t.match(firstBad, { seq: 2, code: 'ENTRY_INVALID', reason }, name)
  }
})

/** Every entry of `node`'s log audited `chunk` at a time, the next chunks checked while one is walked. */
async function auditAll(node: TestNode, chunk: number, checks = node.ledger.logChecks, ed: Ed25519 = nodeEd25519, checkedAhead?: number) {
  const auditor = new Auditor({ ed, checks, from: 0, prevLeafHash: GENESIS_PREV })
  const read = async (from: number, count: number) => {
    const bytes = await node.ledger.getEntriesBytes(from, count)
    const leaves = await node.ledger.leafHashesAt(from, bytes.length)
    return bytes.map((b, i) => ({ seq: from + i, bytes: b, expectedLeafHash: leaves[i] }))
  }
  const { shortAt } = await auditRange(auditor, 0, node.ledger.size, chunk, read, { checkedAhead })
  return { checked: auditor.checked, firstBad: auditor.firstBad, shortAt, root: auditor.accumulator?.root() }
}

t.test('keys registered in one chunk sign in the next and in their own: verified in the check threads, the audit is clean', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  // Registered at seqs 1..7, each signing right after, so some sign in their own chunk and some in the next.
  for (let i = 1; i <= 7; i++) {
    const signer = await node.register(`farm-${i}`, ['farm'])
    await node.ledger.submit(node.statement({ type: 'actor.rotate-key', actor: `farm-${i}`, body: { publicKey: toBase64(newSigner().publicKey) } }, [signer]))
  }
  for (const chunk of [1, 3, 4, 1000]) {
    // The walk verifies only what the checks could not: the genesis entry, signed by the key it registers.
    let walkVerified = 0
    const walkEd: Ed25519 = { ...nodeEd25519, verify: (...args) => (walkVerified++, nodeEd25519.verify(...args)) }
    const { checked, firstBad, root } = await auditAll(node, chunk, node.ledger.logChecks, walkEd)
    t.equal(firstBad, undefined, `chunks of ${chunk}: ${JSON.stringify(firstBad)}`)
    t.equal(checked, node.ledger.size)
    t.same(root, await node.ledger.rootAt(node.ledger.size), `chunks of ${chunk}: the tree's root`)
    t.equal(walkVerified, 1, `chunks of ${chunk}: every other signature was verified in the check threads`)
  }
})

t.test('the chunks checked while one is walked: three by default, one for a node that checks its appends in the same threads', async (t) => {
  const node = await makeNode(testDir(t))
  t.teardown(() => node.close())
  for (let i = 1; i <= 20; i++) await node.register(`farm-${i}`, ['farm'])
  for (const [checkedAhead, most] of [[undefined, 3], [1, 1]] as const) {
    let checking = 0
    let mostChecking = 0
    const { checker } = node.ledger.logChecks
    const counted: typeof checker = {
      check: (job) => checker.check(job),
      checkReplica: (job) => checker.checkReplica(job),
      checkAudit: async (job) => {
        mostChecking = Math.max(mostChecking, ++checking)
        try {
          return await checker.checkAudit(job)
        } finally {
          checking--
        }
      },
    }
    const { firstBad, checked } = await auditAll(node, 2, { ...node.ledger.logChecks, checker: counted }, nodeEd25519, checkedAhead)
    t.equal(firstBad, undefined)
    t.equal(checked, node.ledger.size)
    t.equal(mostChecking, most, `checkedAhead ${checkedAhead ?? 'by default'}: at most ${most} checking at once`)
  }
})

t.test("the audit runs the node's stateless checks: a statement issued too far ahead of its entry is named", async (t) => {
  // A node that allowed a day of clock skew took it; the audit holds the log to the usual ten minutes.
  const root = testDir(t)
  const store = await LevelStore.open(join(root, 'db'))
  const operator = newSigner()
  const lenient = await Ledger.initialise({ store, nodeSigner: newSigner(), origin: 'tracechain.test/lenient', ed: nodeEd25519, maxClockSkewMs: 24 * 3600_000 }, operator)
  t.teardown(async () => {
    await lenient.close()
    await store.close()
  })
  const issuedAt = new Date(Date.now() + 3600_000).toISOString()
  const body = { id: 'farm-early', name: 'early', roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
  const { seq } = await lenient.submit(buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: 'early', issuedAt, body }, [operator]))
  const node = { ledger: lenient } as TestNode
  t.match(await auditAll(node, 100), { firstBad: undefined }, 'by the lenient node’s own checks it is clean')
  const { checked, firstBad } = await auditAll(node, 100, { ...lenient.logChecks, maxClockSkewMs: DEFAULT_MAX_CLOCK_SKEW_MS })
  t.equal(checked, seq)
  t.match(firstBad, { seq, code: 'ISSUED_IN_FUTURE' })
})
