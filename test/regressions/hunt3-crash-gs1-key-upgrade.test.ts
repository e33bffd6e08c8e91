// Hunt 3 (crash): the GS1 key upgrade at open (food/key-upgrade.ts) moves each index row from its old
// "local:" key to its new key as a delete and a put. Its batches were cut by count alone, so a cut could fall
// between the two: a node killed (or out of disk) right after that commit had deleted the row and never
// written it again, and the next open, finding no old key left, finished the move without it. Here a real
// process runs the upgrade and is killed with SIGKILL after each of its commits in turn; every reopened
// store must hold the records an upgrade that ran through wrote.

import t from 'tap'
import { spawn } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { DOMAIN_KINDS, openNode } from '../../src/cli/node-dir.js'
import { GS1_KEY_INDEX_META, GS1_KEY_PLAN_META } from '../../src/food/key-upgrade.js'
import { SPACES, type FoodEventRecord, type ObjectRecord } from '../../src/food/records.js'
import { Ledger } from '../../src/ledger/ledger.js'
import { SEP, joinKey, parseSeqKey } from '../../src/store/keys.js'
import { LevelStore, type RecordWrite } from '../../src/store/level-store.js'
import { FIXED_TIME, makeNode } from '../helpers/ledger.js'
import { ROOT } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const GRAI_URN = 'urn:epc:id:grai:4012345.55555.987'
const GRAI_LINK = 'https://id.gs1.org/8003/04012345555554987'
const GIAI_LINK = 'https://id.gs1.org/8004/400000112345'
const CASE = 'urn:epc:id:sgtin:6901234.100103.1'
const event = (eventID: string, fields: Record<string, unknown>) => ({
  type: 'ObjectEvent',
  eventID,
  eventTime: '2026-05-25T16:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  action: 'OBSERVE',
  ...fields,
})
const EVENTS = [
  event('urn:uuid:00000000-0000-4000-8000-000000000171', { epcList: [GRAI_URN] }),
  event('urn:uuid:00000000-0000-4000-8000-000000000172', { epcList: [GRAI_LINK], eventTime: '2026-05-25T17:00:00.000+08:00' }),
  { ...event('urn:uuid:00000000-0000-4000-8000-000000000173', { parentID: GIAI_LINK, childEPCs: [CASE] }), type: 'AggregationEvent', action: 'ADD' },
]

/** A data dir as a release before issue 16 left it (as test/food/key-upgrade.test.ts makes one). */
async function oldFormatDir(dir: string): Promise<void> {
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
  }
  for (const [key, record] of await store.getRange<FoodEventRecord>(SPACES.event)) {
    writes.push({ space: SPACES.event, key, value: { ...record, objects: record.objects.map((o) => ({ ...o, key: old(o.key, record.seq), id: textOf(o.key, record.seq) ?? o.id })) } })
  }
  await store.commit({ entries: [], tiles: [], records: writes })
  await store.batchMeta([], [GS1_KEY_INDEX_META])
  await store.close()
}

/**
 * Runs the built upgrade in a child process, one record a batch, and kills it with SIGKILL once its
 * `stopAfter`th commit is on disk. Resolves whether the upgrade finished before that.
 */
function upgradeKilledAfter(dbDir: string, stopAfter: number): Promise<boolean> {
  const url = (path: string) => pathToFileURL(join(ROOT, path)).href
  const script = `
    const { LevelStore } = await import(${JSON.stringify(url('dist/store/level-store.js'))})
    const { buildGs1KeyIndex } = await import(${JSON.stringify(url('dist/food/key-upgrade.js'))})
    const store = await LevelStore.open(${JSON.stringify(dbDir)})
    const commit = store.commit.bind(store)
    let commits = 0
    store.commit = async (batch) => {
      await commit(batch)
      if (++commits === ${stopAfter}) {
        process.stdout.write('stopped\\n')
        await new Promise(() => {})
      }
    }
    await buildGs1KeyIndex(store, { batch: 1 })
    process.stdout.write('finished\\n')
    await new Promise(() => {})
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (!output.includes('\n')) return
      child.kill('SIGKILL')
      child.once('exit', () => resolve(output.startsWith('finished')))
    })
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`the upgrade exited (${code ?? signal}): ${output}`))
    })
  })
}

const COMPARED = [SPACES.byObject, SPACES.byLocation, SPACES.object, SPACES.recall, SPACES.recalled, SPACES.quantity, SPACES.forward, SPACES.backward, SPACES.event]

async function recordsOf(dir: string): Promise<Record<string, [string, unknown][]>> {
  const node = await openNode(dir)
  try {
    const spaces: Record<string, [string, unknown][]> = {}
    for (const space of COMPARED) spaces[space] = await node.store.getRange<unknown>(space)
    spaces.meta = [[GS1_KEY_INDEX_META, await node.store.getMeta(GS1_KEY_INDEX_META)], [GS1_KEY_PLAN_META, await node.store.getMeta(GS1_KEY_PLAN_META)]]
    return spaces
  } finally {
    await node.close()
  }
}

t.test('an upgrade killed after any of its commits, then opened again, holds every record an upgrade run through holds', async (t) => {
  const root = testDir(t)
  const original = join(root, 'original')
  await oldFormatDir(original)
  const whole = join(root, 'whole')
  cpSync(original, whole, { recursive: true })
  const expected = await recordsOf(whole)
  t.same(expected.meta[0]?.[1], { version: 1, keys: 3 }, 'the upgrade moved the three old keys')

  let stops = 0
  for (let stopAfter = 1; ; stopAfter++) {
    const dir = join(root, `stop-${stopAfter}`)
    cpSync(original, dir, { recursive: true })
    const finished = await upgradeKilledAfter(join(dir, 'db'), stopAfter)
    const reopened = await recordsOf(dir)
    const differing = Object.keys(expected).filter((space) => JSON.stringify(reopened[space]) !== JSON.stringify(expected[space]))
    if (differing.length > 0) {
      t.fail(`killed after commit ${stopAfter}: the reopened store differs in ${differing.join(', ')}`, {
        found: Object.fromEntries(differing.map((space) => [space, reopened[space]?.map(([key]) => key)])),
        wanted: Object.fromEntries(differing.map((space) => [space, expected[space]?.map(([key]) => key)])),
      })
      break
    }
    if (finished) break
    stops++
  }
  t.ok(stops >= 5, `killed after each of ${stops} commits`)
})
