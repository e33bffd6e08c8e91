// Gap: an actor's name could be "", blank or invisible. The schema's minLength 1 held only for a name written
// as one string, so {"zh": ""} or " " or "\u200b" was registered, and the actor then signed on the pages as
// nothing. Now a new actor.register whose name, or any of its languages, shows nothing is refused with
// NAME_BLANK (400, nothing written); an old log holding one still audits and mirrors, and its pages show the
// actor's id where the name would be.

import { join } from 'node:path'
import t from 'tap'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { toBase64 } from '../../src/core/bytes.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { Signer } from '../../src/core/keys.js'
import { buildApp } from '../../src/http/app.js'
import { applyActorStatement } from '../../src/ledger/actor-kinds.js'
import type { StatementKind } from '../../src/ledger/kinds.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { LevelStore } from '../../src/store/level-store.js'
import { commissioning } from '../helpers/food-events.js'
import { makeNode, newSigner } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'
import { nodeOfOldLog } from '../helpers/old-log.js'
import { injectedTiles, testMirror } from '../helpers/mirror.js'

const GTIN = '06901234001037'

t.test('a new registration whose name shows nothing is refused, nothing written', async (t) => {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'https://trace.example.cn' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const refused: [unknown, string][] = [
    ['', 'SCHEMA_INVALID'],
    [{}, 'SCHEMA_INVALID'],
    [' ', 'NAME_BLANK'],
    ['\u3000\t', 'NAME_BLANK'],
    ['\u200b', 'NAME_BLANK'],
    ['\u202e\ufeff\u2800', 'NAME_BLANK'],
    [{ zh: '' }, 'NAME_BLANK'],
    [{ en: '' }, 'NAME_BLANK'],
    [{ zh: '\u200b\u200d' }, 'NAME_BLANK'],
    [{ zh: '甲农场', en: ' ' }, 'NAME_BLANK'],
  ]
  for (const [i, [name, code]] of refused.entries()) {
    const before = node.ledger.size
    const id = `blank-${i}`
    const body = { id, name, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'actor.register', actor: 'operator', body }, [node.operator]) })
    t.equal(response.statusCode, 400, `${JSON.stringify(name)}: 400`)
    t.equal(response.json().code, code, `${JSON.stringify(name)}: ${code}`)
    t.equal(node.ledger.size, before, 'nothing written')
    t.equal(node.ledger.actors.get(id), undefined, 'no actor')
  }
  for (const [i, name] of ['甲农场', { zh: '甲农场' }, { en: 'Farm A' }, { zh: '甲农场', en: 'Farm A' }, 'O\u200dK'].entries()) {
    const body = { id: `named-${i}`, name, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: node.statement({ type: 'actor.register', actor: 'operator', body }, [node.operator]) })
    t.equal(response.statusCode, 201, `${JSON.stringify(name)} is taken`)
  }
})

// The release before this one: actor.register without the name check.
const earlierRegister: StatementKind = { type: 'actor.register', roles: ['admin'], accept: (ctx) => void applyActorStatement(ctx.registry, ctx.statement, ctx.seq) }

t.test("an old log holding a blank name audits, and its pages show the actor's id", async (t) => {
  const farm = newSigner()
  const sign = (type: string, actor: string, body: Record<string, unknown>, signer: Signer = farm) =>
    buildStatementEnvelope({ type, actor, id: `${type}-${actor}`, issuedAt: new Date().toISOString(), body }, [signer])
  const { node, app } = await nodeOfOldLog(t, [...DOMAIN_KINDS, earlierRegister], async (old, operator) => {
    await old.submit(sign('actor.register', 'operator', { id: 'farm-blank', name: { zh: '\u200b', en: '' }, roles: ['farm'], publicKey: toBase64(farm.publicKey) }, operator))
    await old.submit(sign('food.product', 'farm-blank', { gtin: GTIN, name: { zh: '粽子', en: 'Zongzi' } }))
    await old.submit(sign('food.event', 'farm-blank', commissioning({ quantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/L1`, quantity: 1, uom: 'KGM' }] })))
  })
  const audit = await app.inject(`/v1/verify?from=0&to=${node.ledger.size}`)
  t.equal(audit.statusCode, 200)
  t.equal(audit.json().ok, true, 'the audit replays the old registration')
  for (const lang of ['zh', 'en']) {
    const page = (await app.inject({ url: `/01/${GTIN}/10/L1?lang=${lang}`, headers: { accept: 'text/html' } })).body
    t.match(page, /<p class="who" data-fact="actor">farm-blank<\/p>/, `${lang}: the signer is shown by its id`)
  }
})

t.test('a mirror follows an old log holding a blank name', async (t) => {
  const root = testDir(t)
  const store = await LevelStore.open(join(root, 'node', 'db'))
  const operator = newSigner()
  const ledger = await Ledger.initialise({ store, nodeSigner: newSigner(), origin: 'tracechain.test/old', ed: nodeEd25519, kinds: [...DOMAIN_KINDS, earlierRegister] }, operator)
  const app = await buildApp({ ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await ledger.close()
    await store.close()
  })
  const body = { id: 'farm-blank', name: { zh: '' }, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) }
  await ledger.submit(buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: 'blank', issuedAt: new Date().toISOString(), body }, [operator]))

  const { mirror, follower } = await testMirror(t, join(root, 'mirror'), { verifierKey: ledger.verifierKey, fetch: injectedTiles(app) })
  await follower.poll()
  t.equal(follower.status.following, true, JSON.stringify(follower.status.failure))
  t.equal(mirror.ledger.size, ledger.size, 'the mirror holds the whole log')
  t.same(mirror.ledger.actors.get('farm-blank')?.name, { zh: '' })
})
