// Issue 15: the consumer page marks a late record by witnessed time. The node's recordedAt says a sale was
// recorded an hour after it was signed; its witnesses first saw it three days after. The browser fetches the
// entry's witnessed proof (GET /v1/proofs/witnessed), checks it against the policy's witness keys and its own
// verified leaf, and marks the step beside the entry. Real witnesses, a real node, headless Chromium.

import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { buildStatementEnvelope } from '../../src/core/dsse.js'
import { parseTlogProof } from '../../src/core/tlog-proof.js'
import { listAlerts } from '../../src/ledger/alerts.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

t.test('a sale recorded "an hour late" that its witnesses first saw three days later is marked on the page', async (t) => {
  const started = Date.now()
  // The witnesses' clocks three days ahead of the node's: as if the node had back-dated its records by three days.
  const node = await witnessedNode(t, 2, 2, { witnessClock: () => Date.now() + 3 * DAY })
  const market = readKeyFile(join(process.cwd(), 'keys', 'demo', 'market-hz-01.json'))
  const signedAt = new Date(started - HOUR)
  const sale = {
    type: 'ObjectEvent',
    eventTime: signedAt.toISOString(),
    eventTimeZoneOffset: '+08:00',
    eventID: `urn:uuid:6b0a4a52-0d0e-4c51-9d1e-${String(started).slice(-12)}`,
    action: 'OBSERVE',
    bizStep: 'retail_selling',
    disposition: 'retail_sold',
    quantityList: [{ epcClass: `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`, quantity: 2, uom: 'KGM' }],
    readPoint: { id: 'urn:epc:id:sgln:6901234.00005.0' },
    bizLocation: { id: 'urn:epc:id:sgln:6901234.00005.0' },
  }
  const { seq } = await node.node.ledger.submit(
    buildStatementEnvelope({ type: 'food.event', actor: 'market-hz-01', id: `sale-${started}`, issuedAt: signedAt.toISOString(), body: sale }, [market]),
  )
  await node.cosigning.round()

  const late = (await listAlerts(node.node.ledger, { kind: 'LATE_RECORD' }, [], new Date(started + 4 * DAY))).alerts.filter((a) => a.seqs[0] === seq)
  t.equal(late.length, 1, 'the node raises LATE_RECORD by witnessed time, listed for inspectors')
  t.match(late[0]?.message, /first witnessed .*: 3 days after signing by witnessed time/)

  const proofs = (await (await fetch(`${node.url}/v1/proofs/witnessed?seqs=${seq},1,${seq}`)).json()) as { proofs: Record<string, string> }
  t.same(Object.keys(proofs.proofs), [String(seq)], 'one proof, for the entry appended after witnessing began')
  t.equal(parseTlogProof(proofs.proofs[seq]).index, seq)
  for (const bad of ['', 'x', '1,,2', '-1', Array.from({ length: 201 }, (_, i) => i).join(',')]) {
    const answer = await fetch(`${node.url}/v1/proofs/witnessed?seqs=${encodeURIComponent(bad)}`)
    t.equal(answer.status, 400, `seqs=${bad.slice(0, 20)}`)
    t.match(((await answer.json()) as { code?: string }).code, /^[A-Z_]+$/)
  }
  t.equal((await fetch(`${node.url}/v1/proofs/witnessed`)).status, 400, 'seqs is required')

  if (!haveChromium(t)) return
  const { page, errors } = await launchChromium(t)
  const zh = await openVerifiedPage(page, `${node.url}${lotPath(FINE_LOT)}${node.pin}`)
  t.equal(zh.state, 'verified', zh.status)
  t.match(await page.textContent(`[data-seq="${seq}"] [data-witnessed-late]`), /^补录 · 见证方 3 天后才见到这条记录（.+），与账本所记时间不符$/)
  t.equal(await page.locator('[data-witnessed-late]').count(), 1, 'only the entry its witnesses saw late')
  const en = await openVerifiedPage(page, `${node.url}${lotPath(FINE_LOT)}?lang=en${node.pin}`)
  t.equal(en.state, 'verified', en.status)
  t.match(await page.textContent(`[data-seq="${seq}"] [data-witnessed-late]`), /^Late record · its witnesses first saw it 3 days after signing/)
  t.same(errors, [])
})
