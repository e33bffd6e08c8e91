// Hunt (seals): one organisation member could slow the whole node through SPLIT_CONTRACT's comparison. Each
// seal.apply compared its title with every application of its org in the window, tokenising each title again
// and reading each near-duplicate's application record, all inside the node's one sequencer queue; with
// hundreds of near-duplicates one more application cost hundreds of ms and as many reads. And each later
// near-duplicate stored an alert quoting every member's title, so the alerts' bytes grew quadratically.

import t from 'tap'
import { SHA, village } from '../helpers/seal.js'
import { countReads } from '../helpers/count-reads.js'

const N = Number(process.env.SPLIT_COST_N ?? 120)
const filler = '义桥村前进路段道路修复工程合同'.repeat(13)

const apply = (i: number) => ({
  title: `${filler}第${i}段`,
  amount: 1000,
  budget: 1000,
  purpose: '道路修复施工合同盖章',
  document: { name: `split-${i}.pdf`, sha256: SHA('d') },
})

t.test('one more seal.apply after many near-duplicates reads a bounded number of records', async (t) => {
  const v = await village(t)
  for (let i = 0; i < N; i++) await v.apply(`split-${i}`, apply(i))
  const reads = countReads(t, v.node.store)
  const started = performance.now()
  await v.apply(`split-${N}`, apply(N))
  const ms = performance.now() - started
  const taken = reads.take()
  const alerts = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT&limit=1000')).json().alerts as { applicationIds: string[] }[]
  const bytes = alerts.reduce((sum, alert) => sum + Buffer.byteLength(JSON.stringify(alert)), 0)
  const largest = alerts.find((alert) => alert.applicationIds.length === N + 1)
  t.comment(`N=${N}: one more apply ${ms.toFixed(1)} ms, ${taken} records read; ${alerts.length} SPLIT_CONTRACT alerts, ${bytes} bytes`)
  t.ok(alerts.some((alert) => alert.applicationIds.length === N + 1), 'the split still names every piece')
  t.ok(taken <= N + 40, `records read (${taken}) are about one per application in the window, not two`)
  // Each member is named by id, seq and amount; quoting each 200-character title again in every later alert made the bytes quadratic.
  const perMember = Buffer.byteLength(JSON.stringify(largest)) / (N + 1)
  t.ok(perMember < 150, `the alert holds ${perMember.toFixed(0)} bytes a member, not each title again`)
})
