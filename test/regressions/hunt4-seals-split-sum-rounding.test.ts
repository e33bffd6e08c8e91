// Hunt 4 (seals): SPLIT_CONTRACT dodged by amounts whose sum floating point rounds down. Three contracts of
// 33,333.02 + 33,333.03 + 33,333.95 CNY come to exactly 100,000.00, the collective-decision threshold, but
// added as binary floating point they make 99,999.99999999999. Before, the node saw a group below the
// threshold and raised no alert, the seal page dropped the group, and the console showed such sums with a
// string of nines. Now amounts are added as the statements write them (decimals), so the split is named and
// every sum reads as the amounts add up.

import t from 'tap'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { SHA, village } from '../helpers/seal.js'
import { areasOf } from '../helpers/bound-areas.js'
import { budgetBar } from '../../src/seal/web/application-view.js'

const road = (applicationId: string, title: string, amount: number) => ({
  title,
  amount,
  purpose: '道路修复施工合同盖章',
  document: { name: `${applicationId}.pdf`, sha256: SHA('d') },
})

t.test('three amounts that add up to the threshold exactly make a split', async (t) => {
  t.ok(33333.02 + 33333.03 + 33333.95 < 100_000, 'floating point rounds this sum down')
  const v = await village(t)
  await v.apply('sum-1', road('sum-1', '义桥村北段道路修复工程合同', 33333.02))
  await v.apply('sum-2', road('sum-2', '义桥村道路修复（南段）施工合同', 33333.03))
  await v.apply('sum-3', road('sum-3', '义桥村中段道路维修工程合同', 33333.95))
  const found = (await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts
  t.equal(found.length, 1, 'the split is named')
  t.same(found[0]?.applicationIds, ['sum-1', 'sum-2', 'sum-3'])
  t.match(found[0]?.message, /together 100000 CNY/, 'the message gives the sum the amounts make')

  const page = await v.get('/seals/yiqiao-seal')
  const [area] = areasOf(page.body).areas
  t.not(area.params.splits, '', 'the seal page shows the group')

  const console = await v.get('/console/seals')
  t.match(console.body, /100,000 元/, 'the console sums to 100,000')
  t.notMatch(console.body, /99,999\.9999/, 'and shows no rounding error')
})

t.test('amounts short of the threshold by a fen stay below it', async (t) => {
  const v = await village(t)
  await v.apply('short-1', road('short-1', '义桥村北段道路修复工程合同', 33333.02))
  await v.apply('short-2', road('short-2', '义桥村道路修复（南段）施工合同', 33333.03))
  await v.apply('short-3', road('short-3', '义桥村中段道路维修工程合同', 33333.94))
  t.same((await v.get('/v1/alerts?kind=SPLIT_CONTRACT')).json().alerts, [], '99,999.99 CNY is no split')
})

t.test("an amount's excess over its budget, and what is left of it, read as the amounts subtract", async (t) => {
  t.match(budgetBar(100000.1, 100000, 'zh'), /超出 0\.1 元/)
  t.match(budgetBar(0.3, 0.1, 'en'), /over by CNY 0\.2 /)
  t.match(budgetBar(100000, 100000.1, 'zh'), /余 0\.1 元/)
})

t.test('the seal page and the console verify the group in Chromium', async (t) => {
  if (!haveChromium(t)) return
  await buildVerifierBundle()
  const v = await village(t)
  await v.apply('sum-1', road('sum-1', '义桥村北段道路修复工程合同', 33333.02))
  await v.apply('sum-2', road('sum-2', '义桥村道路修复（南段）施工合同', 33333.03))
  await v.apply('sum-3', road('sum-3', '义桥村中段道路维修工程合同', 33333.95))
  const address = await v.app.listen({ host: '127.0.0.1', port: 0 })
  const { page, errors } = await launchChromium(t)
  await page.clock.setFixedTime(new Date(v.now()))
  for (const path of ['/seals/yiqiao-seal', '/console/seals']) {
    const { state, status } = await openVerifiedPage(page, `${address}${path}`)
    t.equal(state, 'verified', `${path}: ${status}`)
  }
  t.match(await page.textContent('main'), /100,000 元/, 'the console sums the group to 100,000')
  t.same(errors, [])
})
