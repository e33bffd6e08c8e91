// The audit of a run of entries (what `verify --dir`, GET /v1/verify and the browser run): entry
// bytes that are not the RFC 8785 form of the entry are named at their seq, however they differ.

import t from 'tap'
import { fromUtf8, utf8 } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { Auditor, GENESIS_PREV } from '../../src/ledger/audit.js'
import { makeNode } from '../helpers/ledger.js'

t.test('entry bytes that are not canonical JSON are named at their seq', async (t) => {
  const node = await makeNode(t.testdir())
  t.teardown(() => node.close())
  for (const id of ['farm-1', 'farm-2', 'farm-3']) await node.register(id, ['farm'])
  const entries = await node.ledger.getEntriesBytes(0, node.ledger.size)
  t.equal(entries.length, 4)

  const audit = async (tamper: (text: string) => Uint8Array) => {
    const auditor = new Auditor({ ed: nodeEd25519, from: 0, prevLeafHash: GENESIS_PREV })
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
