// Valid statements of every type to start property cases from: the demo scenario (examples/) seeded
// into a real node, plus spare actors for the key and revocation statements, and signing of any bytes.

import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { toBase64, fromBase64, fromUtf8 } from '../../src/core/bytes.js'
import { canonicalBytes } from '../../src/core/canonical-json.js'
import { signEnvelope, type Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { STATEMENT_PAYLOAD_TYPE, type Statement } from '../../src/core/statement.js'
import { buildDemoEnvelopes, demoSigner } from '../../src/cli/demo.js'
import { buildApp } from '../../src/http/app.js'
import { makeNode, newSigner, type TestNode } from './ledger.js'
import { testDir } from './test-dir.js'

export interface Base {
  statement: Statement
  signer: Signer
}

export interface PropertyNode {
  node: TestNode
  app: FastifyInstance
  /** valid statements of every type; each case gives its copy a fresh id */
  bases: Base[]
  /** the key of a known actor, else the operator's (a valid signature by the wrong key) */
  signerOf(actor: unknown): Signer
  /** signs payload bytes as they are */
  sign(payload: Uint8Array, signer: Signer): Envelope
  /** a copy of base `index` with a fresh statement id, and fresh ids where the type's rules want new ones */
  fresh(index: number): Statement
}

const SPARE_ACTORS = 4

/**
 * The demo node and its app (closed at teardown), spare actors registered, and the bases. Opening a
 * node starts its check threads, slow on a loaded machine: a file opens one and its cases share it.
 */
export async function propertyNode(t: Test): Promise<PropertyNode> {
  const node = await makeNode(testDir(t))
  // No rate limits: every case audits its entries through /v1/verify (the limits have their own tests).
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1', rateLimits: { labels: false, trace: false, search: false, verify: false } } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const demo = buildDemoEnvelopes(node.operator)
  // one batch, one sync: the examples are in dependency order, and a batch is sequenced in order
  const seeded = await node.ledger.submitMany(demo)
  const refused = seeded.find((outcome) => outcome instanceof Error)
  if (refused) throw refused
  const signers = new Map<string, Signer>([['operator', node.operator]])
  const bases: Base[] = []
  for (const envelope of demo) {
    const statement = JSON.parse(fromUtf8(fromBase64(envelope.payload))) as Statement
    if (!signers.has(statement.actor)) signers.set(statement.actor, demoSigner(statement.actor))
    bases.push({ statement, signer: signers.get(statement.actor)! })
  }
  const issuedAt = '2026-11-28T07:00:00.000Z'
  for (let i = 0; i < SPARE_ACTORS; i++) {
    const id = `spare-${i}`
    signers.set(id, await node.register(id, ['farm', 'member']))
    const next = newSigner()
    bases.push({ statement: { type: 'actor.rotate-key', actor: id, id: `rotate-${id}`, issuedAt, body: { publicKey: toBase64(next.publicKey) } }, signer: signers.get(id)! })
    bases.push({ statement: { type: 'actor.revoke', actor: 'operator', id: `revoke-${id}`, issuedAt, body: { actor: id, reason: 'property test' } }, signer: node.operator })
  }
  // a seal of its own to revoke, so the demo seal's workflow stays open to later cases
  const spareSeal = { sealId: 'spare-seal', org: 'xiaoshan-yiqiao-village', name: 'spare', custodian: 'yiqiao-custodian', approvers: ['yiqiao-director'] }
  const sealResult = await node.ledger.submit(
    signEnvelope(STATEMENT_PAYLOAD_TYPE, canonicalBytes({ type: 'seal.register', actor: 'operator', id: 'register-spare-seal', issuedAt, body: spareSeal }), [node.operator]),
  )
  if (!sealResult.created) throw new Error('spare seal not registered')
  bases.push({
    statement: { type: 'seal.revoke', actor: 'operator', id: 'revoke-seal', issuedAt, body: { sealId: 'spare-seal', reason: 'property test' } },
    signer: node.operator,
  })
  let counter = 0
  const freshId = () => `prop-${++counter}`
  const fresh = (index: number): Statement => {
    const { statement } = bases[index]
    const body = { ...statement.body }
    if (statement.type === 'actor.register') Object.assign(body, { id: freshId(), publicKey: toBase64(newSigner().publicKey) })
    if (statement.type === 'seal.register') body.sealId = freshId()
    if (statement.type === 'seal.apply') body.applicationId = freshId()
    return { ...statement, id: freshId(), body }
  }
  return {
    node,
    app,
    bases,
    signerOf: (actor) => (typeof actor === 'string' && signers.get(actor)) || node.operator,
    sign: (payload, signer) => signEnvelope(STATEMENT_PAYLOAD_TYPE, payload, [signer]),
    fresh,
  }
}
