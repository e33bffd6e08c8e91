// A village for seal tests: a real node on a clock the test sets, its HTTP app, actors of one village
// (and one outsider) with their own keys, and one registered seal.

import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import type { Signer } from '../../src/core/keys.js'
import { openNode, type OpenNode } from '../../src/cli/node-dir.js'
import { buildApp } from '../../src/http/app.js'
import type { DomainConfigs } from '../../src/domain.js'
import { DOMAINS, domainKinds } from '../../src/domains.js'
import { makeNode, newSigner } from './ledger.js'
import { testDir } from './test-dir.js'

export const VILLAGE = 'yiqiao-village'
export const SEAL = 'yiqiao-seal'
/** 10:00 in Shanghai */
export const DAYTIME = '2026-06-01T02:00:00.000Z'
export const SHA = (c: string) => c.repeat(64).slice(0, 64)

export interface Village {
  dir: string
  node: OpenNode
  app: FastifyInstance
  /** moves the node clock (recordedAt, OVERDUE) and the issuedAt of later statements */
  setNow(iso: string): void
  now(): string
  signers: Map<string, Signer>
  /** a statement by `actor`, signed with its key (or `signers`) */
  statement(type: string, actor: string, body: Record<string, unknown>, signers?: Signer[]): Envelope
  /** POSTs one envelope; returns the response */
  post(envelope: Envelope): Promise<LightMyRequestResponse>
  /** POSTs and expects 201 */
  accept(type: string, actor: string, body: Record<string, unknown>): Promise<number>
  get(url: string): Promise<LightMyRequestResponse>
  /** closes and reopens the node directory, as a restart does; with `domainConfigs`, as `serve` with other settings (--zone …) */
  restart(domainConfigs?: DomainConfigs): Promise<void>
  apply(applicationId: string, extra?: Record<string, unknown>, actor?: string): Promise<number>
}

let counter = 0

/** Actors: clerk (applies), director and deputy (approvers), custodian, inspector, outsider (another org). */
export async function village(t: Test, options: { now?: string; domainConfigs?: DomainConfigs } = {}): Promise<Village> {
  const dir = testDir(t)
  const first = await makeNode(dir)
  const operator = first.operator
  await first.close()
  let now = options.now ?? DAYTIME
  const clock = () => new Date(now)
  let node = await openNode(dir, { clock })
  let app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock, ...(options.domainConfigs ? { domainConfigs: options.domainConfigs } : {}) })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const signers = new Map<string, Signer>([['operator', operator]])
  const statement: Village['statement'] = (type, actor, body, explicit) =>
    buildStatementEnvelope({ type, actor, id: `t-${process.pid}-${++counter}`, issuedAt: now, body }, explicit ?? [signers.get(actor)!])
  const post: Village['post'] = (envelope) => app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })
  const accept: Village['accept'] = async (type, actor, body) => {
    const response = await post(statement(type, actor, body))
    if (response.statusCode !== 201) throw new Error(`${type} by ${actor}: ${response.statusCode} ${response.body}`)
    return response.json().seq as number
  }
  const register = async (id: string, roles: string[], org?: string) => {
    const signer = newSigner()
    signers.set(id, signer)
    await accept('actor.register', 'operator', { id, name: { zh: `${id}（中文名）` }, roles, publicKey: toBase64(signer.publicKey), ...(org ? { org } : {}) })
  }
  await register('clerk', ['member'], VILLAGE)
  await register('director', ['member'], VILLAGE)
  await register('deputy', ['member'], VILLAGE)
  await register('custodian', ['member'], VILLAGE)
  await register('inspector', ['inspector'], 'xiaoshan-discipline')
  await register('outsider', ['member'], 'other-village')
  await accept('seal.register', 'operator', { sealId: SEAL, org: VILLAGE, name: { zh: '义桥村村民委员会公章' }, custodian: 'custodian', approvers: ['director', 'deputy'] })
  return {
    dir,
    get node() {
      return node
    },
    get app() {
      return app
    },
    setNow(iso) {
      now = iso
    },
    now: () => now,
    signers,
    statement,
    post,
    accept,
    get: (url) => app.inject({ method: 'GET', url }),
    async restart(domainConfigs) {
      await app.close()
      await node.close()
      node = await openNode(dir, { clock, ...(domainConfigs ? { kinds: domainKinds(DOMAINS, domainConfigs) } : {}) })
      const configs = domainConfigs ?? options.domainConfigs
      app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' }, clock, ...(configs ? { domainConfigs: configs } : {}) })
    },
    apply: (applicationId, extra = {}, actor = 'clerk') =>
      accept('seal.apply', actor, {
        applicationId,
        sealId: SEAL,
        title: `申请 ${applicationId}`,
        purpose: '测试用途',
        document: { name: `${applicationId}.pdf`, sha256: SHA('a') },
        copies: 2,
        ...extra,
      }),
  } as Village
}
