// The consumer page enforces the node's witness policy in the browser: a checkpoint cosigned by the witnesses
// the node names says who witnessed it and when; one that lacks them fails, naming how many are required.
// Real witnesses (the witness's own server on a real port), a real node, headless Chromium.

import t from 'tap'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { FINE_LOT, lotPath } from '../helpers/web.js'
import { witnessedNode } from '../helpers/witnessed-node.js'

t.test('a lot page names its witnesses when the policy is met, and fails when it is not', async (t) => {
  if (!haveChromium(t)) return
  const { page, errors } = await launchChromium(t)

  const met = await witnessedNode(t, 2, 2)
  t.equal(met.cosigning.cosignatures.length, 2, JSON.stringify(met.cosigning.witnesses))
  const zh = await openVerifiedPage(page, `${met.url}${lotPath(FINE_LOT)}${met.pin}`)
  t.equal(zh.state, 'verified', zh.status)
  t.match(zh.status, /由 witness\.test\/hz-amr、witness\.test\/zj-agri 2 方见证，最新见证于 /)
  t.match(await page.textContent('[data-fact="no-recall"]'), /^截至检查点 \d+（该账本经至少 2 方见证），.+ 的账本中未见召回。$/)
  const en = await openVerifiedPage(page, `${met.url}${lotPath(FINE_LOT)}?lang=en${met.pin}`)
  t.match(en.status, /Witnessed by witness\.test\/hz-amr, witness\.test\/zj-agri \(2\), the newest cosignature at /)
  t.match(await page.textContent('[data-fact="no-recall"]'), /, a ledger cosigned by at least 2 witnesses\.$/)

  const unmet = await witnessedNode(t, 1, 2)
  t.equal(unmet.cosigning.checkpoint, undefined, 'one witness of two: no checkpoint meets the policy')
  const failed = await openVerifiedPage(page, `${unmet.url}${lotPath(FINE_LOT)}${unmet.pin}`)
  t.equal(failed.state, 'failed')
  t.match(failed.status, /检查点的见证不足：本页要求 2 方见证，有效见证 0 方/)

  const lenient = await witnessedNode(t, 1, 1)
  const one = await openVerifiedPage(page, `${lenient.url}${lotPath(FINE_LOT)}?lang=en${lenient.pin}`)
  t.equal(one.state, 'verified', one.status)
  t.match(one.status, /Witnessed by witness\.test\/hz-amr \(1\)/)
  t.same(errors, [])
})

t.test('"not recalled, cosigned by at least k" is counted in the browser; a page ahead of the witnessed checkpoint waits for it', async (t) => {
  if (!haveChromium(t)) return
  const { page, errors } = await launchChromium(t)
  const met = await witnessedNode(t, 2, 2)
  const proxy = await startRewritingProxy(t, met.url)
  // A node (or a network) that claims more witnesses than cosigned: the page text and its claim raised together.
  proxy.rewrite = (html) => html.replace('至少 2 方见证', '至少 3 方见证').replace(/(data-bound-params="[^"]*&quot;witnessed&quot;:&quot;)2/, '$13')
  const raised = await openVerifiedPage(page, `${proxy.url}${lotPath(FINE_LOT)}${met.pin}`)
  t.equal(raised.state, 'failed')
  t.match(raised.status, /页面所示的「召回状态」与已签名的记录不符/)
  proxy.rewrite = undefined

  // The page is computed at the ledger's size; the checkpoint served is the witnessed one, a round behind.
  await met.node.register('late-joiner', ['farm'])
  t.ok(met.node.ledger.size > Number(/^.+\n(\d+)\n/.exec(met.cosigning.checkpoint ?? '')?.[1]), 'the witnessed checkpoint lags the ledger')
  const opening = openVerifiedPage(page, `${met.url}${lotPath(FINE_LOT)}${met.pin}`)
  setTimeout(() => void met.cosigning.round(), 300)
  const caughtUp = await opening
  t.equal(caughtUp.state, 'verified', caughtUp.status)
  t.same(errors, [])
})
