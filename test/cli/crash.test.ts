// Durable before acknowledged (DESIGN.md, "Performance shape"): a node killed with SIGKILL while it is
// taking a stream of batched and single appends keeps every statement it acknowledged, at the seq
// and leaf hash it acknowledged, answers their retries idempotently, and audits clean.

import t from 'tap'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { newSigner } from '../helpers/ledger.js'
import { getCheckpoint, getJson, postJson, runCli, startNode, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

/** Kill/restart rounds in one test. */
const ROUNDS = 3
/** Concurrent HTTP batch writers and single-envelope writers during a round. */
const BATCH_WRITERS = 3
const SINGLE_WRITERS = 2
const MIN_BATCH = 50
const MAX_BATCH = 200
/** The kill lands this long after the round's first acknowledgement (uniform in the range). */
const KILL_AFTER_MS: [number, number] = [600, 1500]

interface Acked {
  seq: number
  leafHash: string
  envelope: Envelope
}

interface Round {
  acked: Acked[]
  /** requests that were in flight when the node died (they got no answer) */
  lostRequests: number
  /** their envelopes: each may or may not have been committed */
  unanswered: Envelope[]
  killAfterMs: number
}

/** GS1 mod-10 check digit, computed here independently of src/food. */
function withCheckDigit(digits13: string): string {
  let sum = 0
  for (let i = 0; i < digits13.length; i++) sum += Number(digits13[digits13.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return digits13 + String((10 - (sum % 10)) % 10)
}

t.test('SIGKILL during a stream of appends loses nothing acknowledged', async (t) => {
  const dir = join(testDir(t), 'node')
  let node: NodeProcess = await startNode({ dir })
  t.teardown(() => node.kill9())
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const farm = newSigner()
  const registration = await postJson<{ seq: number }>(
    `${node.url}/v1/statements`,
    buildStatementEnvelope(
      {
        type: 'actor.register',
        actor: 'operator',
        id: 'register-crash-farm',
        issuedAt: '2024-05-01T00:00:00.000Z',
        body: { id: 'crash-farm', name: 'Crash Farm', roles: ['farm'], publicKey: toBase64(farm.publicKey) },
      },
      [operator],
    ),
  )
  t.equal(registration.status, 201)

  let counter = 0
  const nextEnvelope = (): Envelope => {
    const n = ++counter
    return buildStatementEnvelope(
      {
        type: 'food.product',
        actor: 'crash-farm',
        id: `product-${n}`,
        issuedAt: '2024-05-01T00:00:00.000Z',
        body: { gtin: withCheckDigit(`1${String(n).padStart(12, '0')}`), name: `Product ${n}` },
      },
      [farm],
    )
  }

  /** Streams appends from several writers until the node is killed, KILL_AFTER_MS after the first acknowledgement. */
  async function streamAndKill(target: NodeProcess): Promise<Round> {
    const acked: Acked[] = []
    let dead = false
    let inFlight = 0
    let lostRequests = 0
    const unanswered: Envelope[] = []
    let firstAck: () => void = () => undefined
    const acknowledged = new Promise<void>((resolve) => (firstAck = resolve))
    const record = (seq: number, leafHash: string, envelope: Envelope) => {
      acked.push({ seq, leafHash, envelope })
      firstAck()
    }
    const writer = async (batch: boolean) => {
      while (!dead) {
        const envelopes = Array.from({ length: batch ? MIN_BATCH + Math.floor(Math.random() * (MAX_BATCH - MIN_BATCH + 1)) : 1 }, nextEnvelope)
        inFlight++
        try {
          if (batch) {
            const { status, body } = await postJson<{ results: { seq?: number; leafHash?: string; code?: string }[] }>(
              `${target.url}/v1/statements`,
              { envelopes },
            )
            if (status !== 200) throw new Error(`batch answered ${status}: ${JSON.stringify(body)}`)
            body.results.forEach((result, i) => {
              if (result.seq === undefined || result.leafHash === undefined) throw new Error(`refused: ${JSON.stringify(result)}`)
              record(result.seq, result.leafHash, envelopes[i])
            })
          } else {
            const { status, body } = await postJson<{ seq: number; leafHash: string }>(`${target.url}/v1/statements`, envelopes[0])
            if (status !== 201) throw new Error(`single answered ${status}: ${JSON.stringify(body)}`)
            record(body.seq, body.leafHash, envelopes[0])
          }
        } catch (error) {
          // After the kill a request fails on the wire: unacknowledged, so no promise was made.
          if (!dead) throw error
          lostRequests++
          unanswered.push(...envelopes)
        } finally {
          inFlight--
        }
      }
    }
    const writers = [
      ...Array.from({ length: BATCH_WRITERS }, () => writer(true)),
      ...Array.from({ length: SINGLE_WRITERS }, () => writer(false)),
    ]
    const killAfterMs = KILL_AFTER_MS[0] + Math.floor(Math.random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]))
    const killer = (async () => {
      await acknowledged
      await new Promise((resolve) => setTimeout(resolve, killAfterMs))
      const kill = target.kill9()
      dead = true
      await kill
    })()
    // A writer that throws while the node lives fails the test; the killer still runs so teardown is clean.
    const outcome = await Promise.allSettled(writers)
    dead = true
    await target.kill9()
    await killer
    for (const o of outcome) if (o.status === 'rejected') throw o.reason
    t.equal(inFlight, 0)
    return { acked, lostRequests, unanswered, killAfterMs }
  }

  const everAcked = new Map<number, Acked>()
  const started = Date.now()
  let roundsCutOff = 0
  for (let round = 1; round <= ROUNDS; round++) {
    const { acked, lostRequests, unanswered, killAfterMs } = await streamAndKill(node)
    t.comment(`round ${round}: killed ${killAfterMs} ms after the first ack; ${acked.length} acknowledged, ${lostRequests} requests cut off`)
    t.ok(acked.length > 0, `round ${round}: appends were acknowledged before the kill`)
    // A kill can land just after the node answered every request in flight and before the writers sent the
    // next (its answers still unread in this process): then that round cut nothing off. Over the rounds, some must.
    if (lostRequests > 0) roundsCutOff++
    for (const a of acked) {
      const earlier = everAcked.get(a.seq)
      if (earlier) t.fail(`seq ${a.seq} acknowledged twice`, { first: earlier.leafHash, again: a.leafHash })
      everAcked.set(a.seq, a)
    }

    node = await startNode({ dir })
    const { size } = await getCheckpoint(node.url)
    const maxSeq = [...everAcked.keys()].reduce((max, seq) => Math.max(max, seq), -1)
    t.ok(size > maxSeq, `round ${round}: the restarted log (size ${size}) holds every acknowledged seq (up to ${maxSeq})`)

    // Every acknowledged seq is there with the leaf hash and the envelope that was acknowledged.
    const stored = new Map<number, { leafHash: string; envelope: Envelope }>()
    for (let from = 0; from < size; from += 1000) {
      const { entries } = await getJson<{ entries: { entry: { seq: number; envelope: Envelope }; leafHash: string }[] }>(
        `${node.url}/v1/entries?from=${from}&limit=1000`,
      )
      for (const { entry, leafHash } of entries) stored.set(entry.seq, { leafHash, envelope: entry.envelope })
    }
    t.equal(stored.size, size, `round ${round}: all ${size} entries readable`)
    let missing = 0
    for (const a of everAcked.values()) {
      const s = stored.get(a.seq)
      if (!s || s.leafHash !== a.leafHash || s.envelope.payload !== a.envelope.payload) missing++
    }
    t.equal(missing, 0, `round ${round}: all ${everAcked.size} acknowledged statements kept at their seq and leaf hash`)

    // Retries of this round's acknowledged statements: the same seq and leaf hash, nothing appended.
    let mismatched = 0
    for (let i = 0; i < acked.length; i += 1000) {
      const slice = acked.slice(i, i + 1000)
      const { status, body } = await postJson<{ results: { seq?: number; leafHash?: string }[] }>(`${node.url}/v1/statements`, {
        envelopes: slice.map((a) => a.envelope),
      })
      t.equal(status, 200)
      body.results.forEach((r, j) => {
        if (r.seq !== slice[j].seq || r.leafHash !== slice[j].leafHash) mismatched++
      })
    }
    t.equal(mismatched, 0, `round ${round}: ${acked.length} retries in batches answered with the first seq`)
    for (const a of [acked[0], acked[acked.length - 1]]) {
      const single = await postJson<{ seq: number; leafHash: string }>(`${node.url}/v1/statements`, a.envelope)
      t.same(single, { status: 200, body: { seq: a.seq, leafHash: a.leafHash } }, `round ${round}: a single retry of seq ${a.seq} is a 200 repeat`)
    }
    t.equal((await getCheckpoint(node.url)).size, size, `round ${round}: retries appended nothing`)

    // Retries of the cut-off requests: each statement is either already in (200, at a seq that holds
    // exactly it: no half-committed state) or goes in now; none is refused.
    const { status, body } = await postJson<{ results: { seq?: number; leafHash?: string; code?: string }[] }>(`${node.url}/v1/statements`, {
      envelopes: unanswered.slice(0, 1000),
    })
    t.equal(status, 200)
    let inconsistent = 0
    let alreadyIn = 0
    body.results.forEach((r, i) => {
      if (r.seq === undefined) inconsistent++
      else if (r.seq < size) {
        alreadyIn++
        if (stored.get(r.seq)?.envelope.payload !== unanswered[i].payload) inconsistent++
      } else {
        const answered = r as { seq: number; leafHash: string }
        everAcked.set(answered.seq, { seq: answered.seq, leafHash: answered.leafHash, envelope: unanswered[i] })
      }
    })
    t.equal(inconsistent, 0, `round ${round}: ${body.results.length} cut-off statements retried: ${alreadyIn} were in, the rest appended, none refused`)
  }
  t.ok(roundsCutOff > 0, `${roundsCutOff} of ${ROUNDS} kills landed mid-stream (requests in flight got no answer)`)

  t.equal(await node.stop(), 0, 'a clean stop after the last restart')
  const verify = await runCli(['verify', '--dir', dir])
  t.equal(verify.code, 0, verify.stdout + verify.stderr)
  t.match(verify.stdout, /^ok: \d+ entries verified/)
  t.comment(`${everAcked.size} acknowledged appends over ${ROUNDS} kills in ${Date.now() - started} ms; ${verify.stdout.trim()}`)
})
