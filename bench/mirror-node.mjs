// The log bench/mirror.mjs replays: a node filled in this process with signed statements of a realistic mix,
// then published as static C2SP tlog-tiles with `tracechain publish`'s own code.

import { join } from 'node:path'
import { diskUsage, dist, fmt, ISSUED_AT, commissioningEvent, registerBody, shippingEvent } from './lib.mjs'

const { buildStatementEnvelope } = await dist('core/dsse.js')
const { toBase64 } = await dist('core/bytes.js')
const { generateSigner, initialiseNode, readKeyFile } = await dist('cli/node-dir.js')
const { publishNodeDirectory } = await dist('cli/publish.js')

const ADMINS = 4
const FARMS = 16
/** Of every 20 food-workload statements: 1 actor.register, up to 7 shipments of a lot made earlier, the rest new lots. */
const MIX_PERIOD = 20
const SHIPMENTS = 7
const DESTINATION = 'urn:epc:id:sgln:6901234.00500.0'

export const MIX = {
  food: 'food.event by 16 farms (3 in 5 commission a new lot, 7 in 20 ship one made earlier) and 1 in 20 an actor.register by an admin',
  register: 'actor.register of a new member by an admin (984 B payloads, 12 locations each)',
}

/**
 * The statements of a workload: `setup` (admins registered by the operator, farms by an admin), each a
 * request's envelopes to append in order, then `next(i)`, the i-th statement's envelope, signed when asked
 * (a million at once would not fit the heap); call it with i = 0, 1, 2... in order.
 */
export function statementMix({ operator, workload, tag }) {
  const admins = Array.from({ length: ADMINS }, (_, i) => ({ id: `${tag}-admin-${i}`, signer: generateSigner() }))
  const farms = Array.from({ length: FARMS }, (_, i) => ({
    id: `${tag}-farm-${i}`,
    signer: generateSigner(),
    location: `urn:epc:id:sgln:6901234.${String(10 + i).padStart(5, '0')}.0`,
    unshipped: [],
  }))
  const issuedAt = ISSUED_AT()
  const setup = [
    admins.map(({ id, signer }) =>
      buildStatementEnvelope({ type: 'actor.register', actor: 'operator', id: `register-${id}`, issuedAt, body: { id, name: `bench admin ${id}`, roles: ['admin'], publicKey: toBase64(signer.publicKey) } }, [operator]),
    ),
  ]
  if (workload === 'food') {
    setup.push(
      farms.map(({ id, signer, location }) =>
        buildStatementEnvelope(
          { type: 'actor.register', actor: admins[0].id, id: `register-${id}`, issuedAt, body: { id, name: { zh: `安吉稻米合作社 ${id}`, en: `Anji Rice Cooperative ${id}` }, roles: ['farm'], publicKey: toBase64(signer.publicKey), locations: [location] } },
          [admins[0].signer],
        ),
      ),
    )
  }
  let shipped = 0
  const next = (i, at = issuedAt) => {
    const register = (admin) => buildStatementEnvelope({ type: 'actor.register', actor: admin.id, id: `${tag}-${i}`, issuedAt: at, body: registerBody(`${tag}-m${i}`, i) }, [admin.signer])
    if (workload === 'register' || i % MIX_PERIOD === 0) return register(admins[i % ADMINS])
    const farm = farms[i % FARMS]
    let body
    if (i % MIX_PERIOD <= SHIPMENTS && farm.unshipped.length > 0) {
      body = shippingEvent(farm.location, i, tag, farm.unshipped.shift(), DESTINATION)
      shipped++
    } else {
      body = commissioningEvent(farm.location, i, tag)
      farm.unshipped.push(i)
    }
    return buildStatementEnvelope({ type: 'food.event', actor: farm.id, id: `${tag}-${i}`, issuedAt: at, body }, [farm.signer])
  }
  return { setup, next, shipped: () => shipped }
}

/** `count` statements of the mix, signed now, with their setup. */
export function signedStatements({ operator, count, workload, tag }) {
  const mix = statementMix({ operator, workload, tag })
  return { setup: mix.setup, statements: Array.from({ length: count }, (_, i) => mix.next(i)) }
}

const CHUNK = 4000
const REQUEST = 1000

/** Initialises a node in `dir`, fills it to `entries` entries, closes it and publishes it into `out`. */
export async function buildMirrorNode({ dir, out, entries, workload, log }) {
  const started = performance.now()
  const node = await initialiseNode(dir)
  const append = async (envelopes) => {
    const outcomes = await node.ledger.submitMany(envelopes)
    const refused = outcomes.find((o) => o instanceof Error)
    if (refused) throw new Error(`the node refused a statement of the mix: ${refused.code}: ${refused.message}`)
  }
  const mix = statementMix({ operator: readKeyFile(join(dir, 'keys', 'operator.json')), workload, tag: `m${Date.now().toString(36)}` })
  for (const envelopes of mix.setup) await append(envelopes)
  const count = entries - node.ledger.size
  let reported = performance.now()
  for (let i = 0; i < count; i += CHUNK) {
    const at = ISSUED_AT()
    const envelopes = Array.from({ length: Math.min(CHUNK, count - i) }, (_, k) => mix.next(i + k, at))
    const requests = []
    for (let r = 0; r < envelopes.length; r += REQUEST) requests.push(append(envelopes.slice(r, r + REQUEST)))
    await Promise.all(requests)
    if (performance.now() - reported > 10_000) {
      reported = performance.now()
      log(`  building: ${fmt.int(node.ledger.size)} of ${fmt.int(entries)} entries, ${((reported - started) / 1000).toFixed(0)} s`)
    }
  }
  const size = node.ledger.size
  const verifierKey = node.ledger.verifierKey
  await node.close()
  const appended = (performance.now() - started) / 1000
  log(`  built ${fmt.int(size)} entries in ${appended.toFixed(0)} s; publishing`)
  await publishNodeDirectory(dir, out)
  const published = (performance.now() - started) / 1000 - appended
  return { size, workload, mix: MIX[workload], shipments: mix.shipped(), verifierKey, appendSeconds: appended, publishSeconds: published, publishedBytes: diskUsage(out).apparent }
}
