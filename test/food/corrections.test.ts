// Corrections (issue 16): an EPCIS error declaration by the event's signer or a regulator marks the event erroneous;
// trace, mass balance, the FSMA 204 export and recall propagation use the corrected history; every other
// declaration is refused with a code and writes nothing; the page strikes the corrected step through.

import t, { type Test } from 'tap'
import { eventHashId } from '../../src/core/epcis-event-hash.js'
import type { Signer } from '../../src/core/keys.js'
import { correctionRefusal, correctionsAmong, type Declaration } from '../../src/food/corrections.js'
import { canonicalObject } from '../../src/food/objects.js'
import { lotBalance } from '../../src/food/lot-balance.js'
import { buildApp } from '../../src/http/app.js'
import { SPACES } from '../../src/food/records.js'
import { seqKey } from '../../src/store/keys.js'
import { makeNode } from '../helpers/ledger.js'
import { testDir } from '../helpers/test-dir.js'

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld']
const lot = (name: string) => `https://id.gs1.org/01/06901234001037/10/${name}`
const HARVEST = {
  '@context': CONTEXT,
  type: 'ObjectEvent',
  eventTime: '2026-05-20T08:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'ADD',
  bizStep: 'commissioning',
  quantityList: [{ epcClass: lot('CA'), quantity: 100, uom: 'KGM' }],
}
const MADE = {
  '@context': CONTEXT,
  type: 'TransformationEvent',
  eventTime: '2026-05-21T08:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  bizStep: 'commissioning',
  inputQuantityList: [{ epcClass: lot('CA'), quantity: 100, uom: 'KGM' }],
  outputQuantityList: [{ epcClass: lot('CB'), quantity: 90, uom: 'KGM' }],
}
const CORRECTIVE_ID = 'urn:uuid:3f0e7c1a-0000-4000-8000-000000000016'
const CORRECTIVE = { ...MADE, eventID: CORRECTIVE_ID, outputQuantityList: [{ epcClass: lot('CC'), quantity: 90, uom: 'KGM' }] }

const now = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString()
const declared = (event: Record<string, unknown>, errorDeclaration: Record<string, unknown>) => ({ ...event, errorDeclaration: { declarationTime: now(), reason: 'incorrect_data', ...errorDeclaration } })

async function scenario(t: Test) {
  const node = await makeNode(testDir(t))
  const app = await buildApp({ ledger: node.ledger, config: { baseUrl: 'http://127.0.0.1' } })
  t.teardown(async () => {
    await app.close()
    await node.close()
  })
  const signers = new Map<string, Signer>()
  for (const [id, roles] of [['farm-a', ['farm', 'processor']], ['farm-b', ['farm']], ['regulator-x', ['regulator']]] as const) signers.set(id, await node.register(id, [...roles]))
  let counter = 0
  const submit = async (actor: string, body: Record<string, unknown>) => {
    const envelope = node.statement({ type: 'food.event', actor, id: `c-${++counter}`, body }, [signers.get(actor) as Signer])
    const response = await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })
    return { status: response.statusCode, ...(response.json() as { seq: number; code?: string; details?: { reason?: string } }) }
  }
  const recall = async (actor: string, id: string) => {
    const envelope = node.statement({ type: 'food.recall', actor, id: `r-${++counter}`, body: { ids: [id], reason: 'test', severity: 'class-ii' } }, [signers.get(actor) as Signer])
    return (await app.inject({ method: 'POST', url: '/v1/statements', payload: envelope })).statusCode
  }
  const trace = async (id: string, direction: string) =>
    (await app.inject(`/v1/trace/${encodeURIComponent(id)}?direction=${direction}`)).json() as { nodes: { id: string; recalled: boolean }[]; edges: { seq: number }[] }
  return { node, app, submit, recall, trace }
}

t.test('the derivation: who may correct what, and what a declaration marks', async (t) => {
  const target = { seq: 5, actor: 'farm-a', recordedAt: '2026-05-21T00:00:00.000Z', hashId: 'ni:///sha-256;aa?ver=CBV2.0' }
  const declaration = (over: Partial<Declaration> = {}): Declaration => ({
    seq: 9,
    actor: 'farm-a',
    recordedAt: '2026-05-22T00:00:00.000Z',
    hashId: target.hashId,
    byRegulator: false,
    errorDeclaration: { declarationTime: '2026-05-21T12:00:00.000Z', reason: 'incorrect_data', correctiveEventIDs: ['urn:uuid:c'] },
    ...over,
  })
  t.equal(correctionRefusal(declaration(), target), undefined, "the signer's own")
  t.equal(correctionRefusal(declaration({ actor: 'farm-b' }), target), 'forbidden', "another actor's")
  t.equal(correctionRefusal(declaration({ actor: 'regulator-x', byRegulator: true }), target), undefined, "a regulator's")
  t.equal(correctionRefusal(declaration({ hashId: 'ni:///sha-256;bb?ver=CBV2.0' }), target), 'content-differs')
  t.equal(correctionRefusal(declaration({ errorDeclaration: { declarationTime: '2026-05-20T00:00:00.000Z' } }), target), 'declared-before-recorded')
  t.equal(correctionRefusal(declaration({ errorDeclaration: { declarationTime: '2026-05-23T00:00:00.000Z' } }), target), 'declared-in-future')
  t.equal(correctionRefusal(declaration({ errorDeclaration: { declarationTime: '2026-05-21T12:00:00.000Z', correctiveEventIDs: [target.hashId] } }), target), 'corrects-itself')
  const marks = correctionsAmong([target, { seq: 6, actor: 'farm-b', recordedAt: target.recordedAt, hashId: target.hashId }, { ...declaration(), declaration: declaration() }])
  t.same([...marks.keys()], [5], "the signer's declaration marks its own event, not another's claim of the same content")
  t.same(marks.get(5)?.correctiveEventIDs, ['urn:uuid:c'])
  const byRegulator = declaration({ actor: 'regulator-x', byRegulator: true })
  t.same([...correctionsAmong([target, { seq: 6, actor: 'farm-b', recordedAt: target.recordedAt, hashId: target.hashId }, { ...byRegulator, declaration: byRegulator }]).keys()], [5, 6], "a regulator's marks every claim")
  t.same([...correctionsAmong([{ ...declaration(), declaration: declaration() }, { ...target, seq: 10 }]).keys()], [], 'an event recorded after the declaration is not corrected by it')
})

t.test('a correction: trace, mass balance, FSMA 204 and recall use the corrected history', async (t) => {
  const { node, app, submit, recall, trace } = await scenario(t)
  t.equal((await submit('farm-a', HARVEST)).status, 201)
  const made = await submit('farm-a', MADE)
  t.equal(made.status, 201)
  const a = canonicalObject(lot('CA')).key
  t.same(await lotBalance(node.ledger.records, a), { produced: 100, consumed: 100, uom: 'KGM' })
  t.same((await trace(lot('CB'), 'backward')).edges.map((e) => e.seq), [made.seq], 'before: CB was made from CA')
  const fsmaBefore = (await app.inject(`/v1/export/fsma204?lot=${encodeURIComponent(lot('CB'))}`)).body

  const declaration = await submit('farm-a', declared(MADE, { correctiveEventIDs: [CORRECTIVE_ID] }))
  t.equal(declaration.status, 201, 'its signer declares the transformation erroneous')
  const corrective = await submit('farm-a', CORRECTIVE)
  t.equal(corrective.status, 201)
  t.same((await trace(lot('CB'), 'backward')).edges, [], 'the corrected edge is gone from the trace')
  t.same((await trace(lot('CA'), 'forward')).edges.map((e) => e.seq), [corrective.seq], 'forward: only the corrective event')
  t.same(await lotBalance(node.ledger.records, a), { produced: 100, consumed: 100, uom: 'KGM' }, 'the corrected consumption no longer counts; the corrective one does')
  const fsmaAfter = (await app.inject(`/v1/export/fsma204?lot=${encodeURIComponent(lot('CB'))}`)).body
  t.ok(fsmaBefore.split('\r\n').length > fsmaAfter.split('\r\n').length, 'the FSMA 204 export of CB lost the corrected transformation')
  t.notMatch(fsmaAfter, new RegExp(`,${made.seq},|#${made.seq}\\b`))

  t.equal(await recall('regulator-x', lot('CA')), 201)
  const recalled = new Map((await trace(lot('CA'), 'forward')).nodes.map((n) => [n.id, n.recalled]))
  t.equal(recalled.get(canonicalObject(lot('CC')).id), true, 'the recall reaches the corrective output')
  t.equal((await trace(lot('CB'), 'both')).nodes.find((n) => n.id === canonicalObject(lot('CB')).id)?.recalled, false, 'not the corrected one')

  const byId = await app.inject(`/events/${encodeURIComponent(eventHashId(MADE))}`)
  t.equal(byId.json().epcisBody.queryResults.resultsBody.eventList.length, 2, 'the EPCIS query still answers the event and its declaration')

  for (const lang of ['zh', 'en'] as const) {
    const page = (await app.inject({ url: `/01/06901234001037/10/CB?lang=${lang}`, headers: { accept: 'text/html' } })).body
    t.match(page, new RegExp(`class="step k-[a-z]+ corrected" data-seq="${made.seq}"`), `${lang}: the corrected step is struck through`)
    t.match(page, lang === 'zh' ? '已更正 · corrected by' : '>corrected by<')
    // The corrective event made CC, not CB: it is not on CB's page, so the mark links the declaration.
    t.match(page, `<a href="/v1/entries/${declaration.seq}">`, `${lang}: linked to the correction`)
  }
})

t.test('every other declaration is refused with a code and writes nothing', async (t) => {
  const { node, submit } = await scenario(t)
  const harvest = await submit('farm-a', HARVEST)
  t.equal(harvest.status, 201)
  const refusals: [string, string, Record<string, unknown>, number, string, string?][] = [
    ["of another actor's event", 'farm-b', declared(HARVEST, {}), 403, 'CORRECTION_FORBIDDEN'],
    ['that does not repeat the event', 'farm-a', declared({ ...HARVEST, eventID: eventHashId(HARVEST), quantityList: [{ epcClass: lot('CA'), quantity: 1, uom: 'KGM' }] }, {}), 409, 'CORRECTION_INVALID', 'content-differs'],
    ['declared before the event was recorded', 'farm-a', declared(HARVEST, { declarationTime: '2026-01-01T00:00:00.000Z' }), 409, 'CORRECTION_INVALID', 'declared-before-recorded'],
    ['back-dated to before the event', 'farm-a', declared(HARVEST, { declarationTime: new Date(Date.parse(now()) - 60 * 60 * 1000).toISOString() }), 409, 'CORRECTION_INVALID', 'declared-before-recorded'],
    ['dated ahead of the node', 'farm-a', declared(HARVEST, { declarationTime: now(24 * 60 * 60 * 1000) }), 409, 'CORRECTION_INVALID', 'declared-in-future'],
    ['corrected by itself', 'farm-a', declared(HARVEST, { correctiveEventIDs: [eventHashId(HARVEST)] }), 409, 'CORRECTION_INVALID', 'corrects-itself'],
  ]
  for (const [name, actor, body, status, code, reason] of refusals) {
    const size = node.ledger.size
    const answer = await submit(actor, body)
    t.equal(answer.status, status, name)
    t.equal(answer.code, code, name)
    if (reason) t.equal(answer.details?.reason, reason, name)
    t.equal(node.ledger.size, size, `${name}: nothing written`)
  }
  // A declaration of an event nobody recorded yet is kept (GS1's own examples send such) and lies in wait for nothing.
  const early = { ...HARVEST, eventTime: '2026-05-19T08:00:00.000+08:00' }
  t.equal((await submit('farm-b', declared(early, {}))).status, 201, 'a declaration of an event not recorded here is kept')
  const later = await submit('farm-b', early)
  t.equal(later.status, 201)
  t.notOk((await node.ledger.records.get<{ correctedBy?: number }>(SPACES.event, seqKey(later.seq)))?.correctedBy, 'the event recorded after it is not corrected by it')
  const first = await submit('farm-a', declared(HARVEST, { reason: 'did_not_occur' }))
  t.equal(first.status, 201, 'its own signer')
  const again = await submit('regulator-x', declared(HARVEST, { reason: 'incorrect_data' }))
  t.equal(again.status, 201, 'a regulator may declare it too: a correction of a correction only adds to the mark, it never lifts it')
  t.equal((await submit('farm-b', declared(HARVEST, { reason: 'incorrect_data' }))).code, 'CORRECTION_FORBIDDEN', 'nor may anyone else, after')
})
