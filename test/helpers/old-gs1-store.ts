// A data dir as a release before issue 16 left it: each GS1 key other than GTIN, SSCC and GLN kept as
// "local:<text as written>". The key upgrade's tests open it (test/food/key-upgrade.test.ts, and killed midway
// in test/regressions/hunt3-crash-gs1-key-upgrade.test.ts).

import { join } from 'node:path'
import { DOMAIN_KINDS } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { GS1_KEY_INDEX_META } from '../../src/food/key-upgrade.js'
import { SPACES, type FoodEventRecord, type ObjectRecord } from '../../src/food/records.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { SEP, joinKey, parseSeqKey } from '../../src/store/keys.js'
import { LevelStore, type RecordWrite } from '../../src/store/level-store.js'
import { FIXED_TIME, makeNode } from './ledger.js'

export const GRAI_URN = 'urn:epc:id:grai:4012345.55555.987'
export const GRAI_LINK = 'https://id.gs1.org/8003/04012345555554987'
export const GIAI_LINK = 'https://id.gs1.org/8004/400000112345'
export const CASE = 'urn:epc:id:sgtin:6901234.100103.1'
const event = (eventID: string, fields: Record<string, unknown>) => ({
  type: 'ObjectEvent',
  eventID,
  eventTime: '2026-05-25T16:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  ...fields,
})
export const EVENTS = [
  event('urn:uuid:00000000-0000-4000-8000-000000000161', { epcList: [GRAI_URN] }),
  // Another time: the same content in the other spelling is the same event hash, which the ledger records once.
  event('urn:uuid:00000000-0000-4000-8000-000000000162', { epcList: [GRAI_LINK], eventTime: '2026-05-25T17:00:00.000+08:00' }),
  { ...event('urn:uuid:00000000-0000-4000-8000-000000000163', { parentID: GIAI_LINK, childEPCs: [CASE] }), type: 'AggregationEvent', action: 'ADD' },
]

/** A data dir as the earlier release left it: each GS1 key other than GTIN, SSCC and GLN under "local:<text as written>". */
export async function oldFormatStore(dir: string): Promise<LevelStore> {
  const fresh = await makeNode(dir)
  const farm = await fresh.register('farm-a', ['farm'])
  await fresh.close()
  const store = await LevelStore.open(join(dir, 'db'))
  const ledger = await Ledger.open({ store, nodeSigner: fresh.nodeSigner, origin: fresh.config.origin, ed: nodeEd25519, kinds: DOMAIN_KINDS })
  const seqs: number[] = []
  for (const [i, body] of EVENTS.entries()) {
    seqs.push((await ledger.submit(buildStatementEnvelope({ type: 'food.event', actor: 'farm-a', id: `e${i}`, issuedAt: FIXED_TIME, body }, [farm]))).seq)
  }
  await ledger.close()
  // The earlier release kept each key as the text its event wrote: rewrite this release's records so.
  const textOf = (key: string, seq: number) => (key.startsWith('8004/') ? GIAI_LINK : key.startsWith('8003/') ? (seq === seqs[0] ? GRAI_URN : GRAI_LINK) : undefined)
  const old = (key: string, seq: number) => (textOf(key, seq) !== undefined ? `local:${textOf(key, seq)}` : key)
  const writes: RecordWrite[] = []
  for (const space of [SPACES.byObject, SPACES.forward, SPACES.backward]) {
    for (const [key, value] of await store.getRange<unknown>(space)) {
      const parts = key.split(SEP)
      const seq = parseSeqKey(parts[parts.length - 1] as string)
      const oldKey = joinKey(...parts.map((part, i) => (i < parts.length - 1 ? old(part, seq) : part)))
      if (oldKey !== key) writes.push({ space, key, value: null }, { space, key: oldKey, value })
    }
  }
  for (const [key, record] of await store.getRange<ObjectRecord>(SPACES.object)) {
    const text = textOf(key, record.firstSeq)
    if (text === undefined) continue
    writes.push({ space: SPACES.object, key, value: null }, { space: SPACES.object, key: `local:${text}`, value: { ...record, key: `local:${text}`, id: text, digitalLink: text } })
    // Each spelling was an object of its own.
    if (text === GRAI_URN) writes.push({ space: SPACES.object, key: `local:${GRAI_LINK}`, value: { ...record, key: `local:${GRAI_LINK}`, id: GRAI_LINK, digitalLink: GRAI_LINK, firstSeq: seqs[1] } })
  }
  for (const [key, record] of await store.getRange<FoodEventRecord>(SPACES.event)) {
    writes.push({ space: SPACES.event, key, value: { ...record, objects: record.objects.map((o) => ({ ...o, key: old(o.key, record.seq), id: textOf(o.key, record.seq) ?? o.id })) } })
  }
  await store.commit({ entries: [], tiles: [], records: writes })
  await store.batchMeta([], [GS1_KEY_INDEX_META])
  return store
}
