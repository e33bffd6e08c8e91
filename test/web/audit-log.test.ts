// The console's audit of the whole log (web/audit-log.ts), run in Node on what a node serves (app.inject):
// the seeded demo audits clean, whole or in a range; a flipped byte in an entry bundle names the entry it
// fell in; a flipped hash tile fails before any entry; a registry that hides an actor's entry is caught.

import t from 'tap'
import { nobleEd25519 } from '../../src/core/ed25519.js'
import { auditLog, type AuditProgress } from '../../src/web/audit-log.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { flipByte, injectedSource } from '../helpers/log-source.js'

/** The offset in an entry bundle (each entry a 16-bit big-endian length, then its bytes) of the middle of entry `k`. */
function middleOfEntry(bundle: Uint8Array, k: number): number {
  let at = 0
  for (let i = 0; i < k; i++) at += 2 + ((bundle[at] << 8) | bundle[at + 1])
  return at + 2 + Math.floor(((bundle[at] << 8) | bundle[at + 1]) / 2)
}

t.test('the demo audits clean, whole and in a range, with progress', async (t) => {
  const { app, node } = await seededDemoApp(t)
  const progress: AuditProgress[] = []
  const whole = await auditLog(injectedSource(app), nobleEd25519, { onProgress: (p) => progress.push(p) })
  t.same(whole, { ok: true, size: node.ledger.size, from: 0, to: node.ledger.size, checked: node.ledger.size })
  t.same(progress.at(-1), { checked: node.ledger.size, total: node.ledger.size, seq: node.ledger.size - 1 })
  const range = await auditLog(injectedSource(app), nobleEd25519, { from: 20, to: 30 })
  t.same(range, { ok: true, size: node.ledger.size, from: 20, to: 30, checked: 10 }, 'a range, its registry replayed from entry 0 as needed')
  const clamped = await auditLog(injectedSource(app), nobleEd25519, { from: 5, to: 10_000 })
  t.equal(clamped.to, node.ledger.size, 'a range past the end stops at the checkpoint')
  t.equal(clamped.checked, node.ledger.size - 5)
  const stopped = await auditLog(injectedSource(app), nobleEd25519, { cancelled: () => true })
  t.same([stopped.ok, stopped.cancelled, stopped.checked], [false, true, 0], 'a stopped audit is not a passed one')
})

t.test('a flipped byte in the entry bundle names the entry it fell in', async (t) => {
  const { app, node } = await seededDemoApp(t)
  const size = node.ledger.size
  const bundlePath = `tile/entries/000.p/${size}`
  for (const bad of [0, 17, size - 1]) {
    const source = injectedSource(app, { tile: (path, bytes) => (path === bundlePath ? flipByte(bytes, middleOfEntry(bytes, bad)) : bytes) })
    const audit = await auditLog(source, nobleEd25519)
    t.equal(audit.ok, false)
    t.equal(audit.failure?.seq, bad, `entry ${bad} named`)
    t.equal(audit.failure?.check, 'tile')
    t.equal(audit.failure?.tile, bundlePath)
    t.equal(audit.checked, 0, 'the bundle is checked whole before its entries are walked')
  }
})

t.test('a flipped hash tile fails at the checkpoint; an unreadable key fails first', async (t) => {
  const { app, node } = await seededDemoApp(t)
  const tile = `tile/0/000.p/${node.ledger.size}`
  const audit = await auditLog(injectedSource(app, { tile: (path, bytes) => (path === tile ? flipByte(bytes, 40) : bytes) }), nobleEd25519)
  t.same([audit.ok, audit.failure?.check, audit.failure?.seq], [false, 'tile', undefined])
  t.match(audit.failure?.tile, tile)
  const keyless = await auditLog(injectedSource(app, { api: (path, body) => (path === '/v1/log/key' ? 'not a key' : body) }), nobleEd25519)
  t.same([keyless.ok, keyless.failure?.check], [false, 'log-key'])
})

t.test("a registry that hides an actor's entry cannot make the audit skip it", async (t) => {
  const { app } = await seededDemoApp(t)
  const actors = (await app.inject('/v1/actors')).json() as { actors: { id: string; seqs: number[] }[] }
  const regulator = actors.actors.find((a) => a.id === 'regulator-hz') as { seqs: number[] }
  const hidden = regulator.seqs[0]
  const source = injectedSource(app, {
    api: (path, body) => {
      if (!path.startsWith('/v1/actors/') && !path.startsWith('/v1/actors?ids=')) return body
      const answer = JSON.parse(body) as { actor?: { id: string; seqs: number[] }; actors?: { id: string; seqs: number[] }[] }
      for (const actor of answer.actors ?? (answer.actor ? [answer.actor] : [])) {
        if (actor.id === 'regulator-hz') actor.seqs = actor.seqs.filter((seq) => seq !== hidden)
      }
      return JSON.stringify(answer)
    },
  })
  const audit = await auditLog(source, nobleEd25519)
  t.equal(audit.ok, false)
  t.equal(audit.failure?.seq, hidden, 'the hidden registration is the first bad entry')
  t.equal(audit.failure?.check, 'registry-list')
})
