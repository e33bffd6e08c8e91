// Acting from the browser (/console/act) in headless Chromium against the seeded demo on a real port: the
// demo regulator's key file is loaded, a recall is previewed, signed and submitted, its seq verified in the
// signed log, and the lot's consumer page then shows the recall; an inspection result is recorded; a refusal is
// shown with its code; a village clerk applies for the seal and an approver approves, through to an approved
// application on /seals/:id.
// Every request Chromium makes is recorded: none carries the private key. No CSP violation, no script error.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { fromBase64, toHex } from '../../src/core/bytes.js'
import { decodeEnvelope } from '../../src/core/dsse.js'
import { sha256 } from '../../src/core/hash.js'
import { parseStatementPayload } from '../../src/core/statement.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { LAZY_PARTS } from '../../src/web/page-scripts.js'
import { axeViolations, haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { ROOT } from '../helpers/node-process.js'
import { demoApp, FINE_LOT, lotPath, ZONGZI } from '../helpers/web.js'

const keyFile = (actor: string) => join(ROOT, 'keys/demo', `${actor}.json`)

/** Every way a key file's secret could be written into a request: its base64, its hex, its JSON. */
function secretForms(actor: string): string[] {
  const { privateKey } = JSON.parse(readFileSync(keyFile(actor), 'utf8')) as { privateKey: string }
  return [privateKey, encodeURIComponent(privateKey), toHex(fromBase64(privateKey)), privateKey.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')]
}

/** Records each request's URL, method, headers and body, and every response's status for the page's posts. */
function recordRequests(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (request) => {
    seen.push(`${request.method()} ${request.url()} ${JSON.stringify(request.headers())} ${request.postData() ?? ''}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400) seen.push(`ANSWER ${response.status()} ${response.url()}`)
  })
  return seen
}

async function loadKey(page: Page, actor: string): Promise<void> {
  await page.setInputFiles('[data-key-file]', keyFile(actor))
  await page.waitForFunction((id) => (document.querySelector('[data-key-status]')?.textContent ?? '').includes(id), actor, { timeout: 60_000 })
}

/** Previews with the keyboard (Enter on the preview button), signs, and waits for the new entry to be verified. */
async function previewSignAndVerify(page: Page): Promise<number> {
  await page.focus('[data-preview]')
  await page.keyboard.press('Enter')
  await page.waitForSelector('[data-review]:not([hidden])', { timeout: 60_000 })
  const before = await page.locator('[data-act-results] li[data-seq]').count()
  await page.click('[data-sign]')
  await page.waitForFunction((n) => document.querySelectorAll('[data-act-results] li[data-seq]').length > n, before, { timeout: 60_000 })
  const seq = Number(await page.getAttribute('[data-act-results] li[data-seq]', 'data-seq'))
  await page.waitForSelector(`[data-act-results] li[data-seq="${seq}"][data-verified]`, { timeout: 30_000 })
  return seq
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('a regulator recalls a demo lot from the browser; the lot page shows it; the key never leaves', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
    const requests = recordRequests(page)
    const opened = await openVerifiedPage(page, `${baseUrl}/console/act`)
    t.equal(opened.state, 'verified', opened.status)
    t.same(await axeViolations(page), [], 'axe: none on the empty form (phone, zh)')

    await loadKey(page, 'regulator-hz')
    t.equal(await page.inputValue('[data-actor]'), 'regulator-hz', 'the actor found by the key in the registry')
    const lot = `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`
    await page.fill('[name=ids]', lot)
    await page.fill('[name=reason]', '浏览器发布的召回测试 / A recall issued from the browser')
    await page.selectOption('[name=severity]', 'class-ii')
    await page.focus('[data-preview]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-review]:not([hidden])')
    const shown = JSON.parse((await page.textContent('[data-review-json]')) as string) as { type: string; body: { ids: string[] } }
    t.equal(shown.type, 'food.recall')
    t.same(shown.body.ids, [lot])
    const digest = (await page.textContent('[data-review-digest]')) as string
    t.match(digest, /^[0-9a-f]{64}$/, 'the PAE digest is shown')
    t.same(await axeViolations(page), [], 'axe: none with the preview shown')

    await page.click('[data-sign]')
    await page.waitForSelector('[data-act-results] li[data-seq]', { timeout: 60_000 })
    const seq = Number(await page.getAttribute('[data-act-results] li[data-seq]', 'data-seq'))
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]')
    await page.waitForSelector(`li[data-seq="${seq}"][data-verified]`)
    t.equal(await page.getAttribute(`li[data-seq="${seq}"]`, 'data-verified'), 'ok', 'the new entry is verified in the signed log')
    t.equal(await page.getAttribute('[data-verification]', 'data-verification'), 'verified', (await page.textContent('[data-verification-status]')) ?? '')
    t.match(await page.textContent('[data-submit-status]'), new RegExp(`第 ${seq} 条`))

    const { entry } = await node.ledger.getEntry(seq)
    const decoded = decodeEnvelope(entry.envelope)
    const statement = parseStatementPayload(decoded.payload)
    t.equal(statement.type, 'food.recall')
    t.equal(statement.actor, 'regulator-hz')
    t.equal(digest, toHex(sha256(new Uint8Array([...new TextEncoder().encode(`DSSEv1 ${decoded.payloadType.length} ${decoded.payloadType} ${decoded.payload.length} `), ...decoded.payload]))), 'what was signed is what was shown')

    // The result links to the lot's page, which now shows the recall.
    await page.click(`li[data-seq="${seq}"] a[href^="${lotPath(FINE_LOT)}"]`)
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: 60_000 })
    t.match(await page.textContent('section.recall'), /浏览器发布的召回测试/, 'the consumer page shows the recall')

    for (const secret of secretForms('regulator-hz')) {
      t.notOk(requests.some((request) => request.includes(secret)), 'no request carries the private key')
    }
    t.ok(requests.some((request) => request.startsWith(`POST ${baseUrl}/v1/statements`)), 'the envelope was posted')
    const lazy = requests.filter((request) => request.startsWith('GET ') && lazyScript().test(request))
    t.same(
      LAZY_PARTS.map((part) => lazy.filter((request) => lazyScript(part).test(request)).length),
      LAZY_PARTS.map((part) => (part === 'noble' || part === 'tiles' ? 1 : 0)),
      "lazy scripts fetched once each: 'tiles' to check the checkpoint of a page that names no entry yet, 'noble' to sign with",
    )
    const stored = await page.evaluate(() => JSON.stringify({ ...window.localStorage }) + JSON.stringify({ ...window.sessionStorage }))
    t.notOk(secretForms('regulator-hz').some((secret) => stored.includes(secret)), 'nor is it stored')
    t.same(errors, [], 'no script error or CSP violation')
  })

  t.test('the code to sign with dropped on the way: the page says so, not that the key is bad, and a second try loads it', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'zh-CN')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act`)).state, 'verified')
    await page.route(lazyScript('noble'), (route) => route.abort())
    await page.setInputFiles('[data-key-file]', keyFile('regulator-hz'))
    await page.waitForFunction(() => (document.querySelector('[data-key-status]')?.textContent ?? '').includes('签名所需的代码未能载入'), undefined, { timeout: 30_000 })
    t.notMatch(await page.textContent('[data-key-status]'), '密钥文件无法使用', 'not called a bad key file')
    t.ok(await page.isDisabled('[data-forget-key]'), 'no key held')
    await page.unroute(lazyScript('noble'))
    await loadKey(page, 'regulator-hz')
    t.equal(await page.inputValue('[data-actor]'), 'regulator-hz', 'chosen again, the key loads: the script was asked for again')
  })

  t.test('an inspection result signed from the browser and verified in the log', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'en-GB', { console: true })
    const lot = `https://id.gs1.org/01/${ZONGZI}/10/${FINE_LOT}`
    await openVerifiedPage(page, `${baseUrl}/console/act?action=inspection&lang=en&lot=${encodeURIComponent(lot)}`)
    t.equal(await page.inputValue('[name=lot]'), lot, 'filled in from the link')
    await loadKey(page, 'regulator-hz')
    await page.fill('[name=sampleId]', 'HZ-WEB-7')
    await page.fill('[name=method]', 'GB 4789.2-2022')
    await page.selectOption('[name=outcome]', 'fail')
    await page.fill('[name=analyte]', 'aerobic plate count')
    await page.fill('[name=value]', '250000')
    await page.fill('[name=unit]', 'CFU/g')
    await page.fill('[name=limit]', '100000')
    await page.fill('[name=certificateName]', 'HZ-WEB-7 report')
    await page.fill('[name=certificateSha256]', 'ab'.repeat(32))
    await page.fill('[name=inspectedAt]', '2026-06-01T10:30')
    const seq = await previewSignAndVerify(page)
    t.equal(await page.getAttribute(`li[data-seq="${seq}"]`, 'data-verified'), 'ok', 'the result is verified in the signed log')
    const { entry } = await node.ledger.getEntry(seq)
    const statement = parseStatementPayload(decodeEnvelope(entry.envelope).payload)
    t.same([statement.type, (statement.body as { inspectedAt: string }).inspectedAt], ['food.inspection', '2026-06-01T10:30:00+08:00'])
    t.same(errors, [])
  })

  t.test('a refusal is shown in words with its code, and nothing is recorded', async (t) => {
    const { baseUrl, node } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'en-GB', { console: true })
    await openVerifiedPage(page, `${baseUrl}/console/act?action=revoke&seal=yiqiao-committee-seal&lang=en`)
    t.equal(await page.inputValue('[name=sealId]'), 'yiqiao-committee-seal', 'filled in from the link')
    await page.click('[data-preview]')
    t.match(await page.textContent('[data-form-error]'), /Load your key file first/)
    await loadKey(page, 'regulator-hz')
    await page.click('[data-preview]')
    t.match(await page.textContent('[data-form-error]'), /Fill in "Reason \(public\)"/, 'a missing field is named')
    t.equal(await page.getAttribute('[name=reason]', 'aria-invalid'), 'true')
    await page.fill('[name=reason]', 'lost')
    await page.click('[data-preview]')
    await page.waitForSelector('[data-review]:not([hidden])')
    const size = node.ledger.size
    await page.click('[data-sign]')
    await page.waitForSelector('[data-refusal]', { timeout: 60_000 })
    t.equal(await page.getAttribute('[data-refusal]', 'data-refusal'), 'ROLE_FORBIDDEN')
    t.match(await page.textContent('[data-submit-status]'), /Refused by the node \(ROLE_FORBIDDEN\): the actor has no role that may make this statement/)
    t.equal(node.ledger.size, size, 'nothing appended')
    await page.setViewportSize({ width: 1280, height: 900 })
    t.same(await axeViolations(page), [], 'axe: none with a refusal shown (desktop, en)')
    t.same(errors, ['Failed to load resource: the server responded with a status of 403 (Forbidden)'], 'only the refusal')
  })

  t.test('a village clerk applies for the seal and an approver approves it, through to /seals/:id', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page, errors } = await launchChromium(t, 'zh-CN', { console: true })
    const requests = recordRequests(page)
    // The file is handed over as its bytes and name, not a path: Chromium opens a path in the process's
    // locale, and under the POSIX locale (LANG unset, as in CI) it cannot open this Chinese name.
    const contract = { name: '村道修缮合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from('the contract, never uploaded') }

    await openVerifiedPage(page, `${baseUrl}/console/act?action=apply&seal=yiqiao-committee-seal`)
    await loadKey(page, 'yiqiao-secretary')
    await page.fill('[name=applicationId]', 'YQ-WEB-1')
    await page.fill('[name=title]', '村道修缮合同（浏览器）')
    await page.fill('[name=purpose]', '与施工方签订村道修缮合同')
    await page.setInputFiles('[data-digest-for=documentSha256]', contract)
    await page.waitForFunction(() => (document.querySelector<HTMLInputElement>('[name=documentSha256]')?.value ?? '').length === 64)
    t.equal(await page.inputValue('[name=documentSha256]'), toHex(sha256(contract.buffer)), 'the SHA-256 computed in the page')
    t.equal(await page.inputValue('[name=documentName]'), '村道修缮合同.pdf')
    await page.fill('[name=copies]', '2')
    await page.fill('[name=amount]', '5000')
    await page.fill('[name=budget]', '6000')
    const applied = await previewSignAndVerify(page)
    t.equal(await page.getAttribute(`li[data-seq="${applied}"]`, 'data-verified'), 'ok', 'the application is verified')

    // The result's own link leads the approver to the approval form, filled in.
    await page.click(`li[data-seq="${applied}"] a[href*="action=approve"]`)
    await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]')
    t.equal(await page.inputValue('[name=applicationId]'), 'YQ-WEB-1')
    // The clerk cannot approve her own application: the seal rule's refusal, in words, with its code.
    await loadKey(page, 'yiqiao-secretary')
    await page.click('[data-preview]')
    await page.waitForSelector('[data-review]:not([hidden])')
    await page.click('[data-sign]')
    await page.waitForSelector('[data-refusal]', { timeout: 60_000 })
    t.equal(await page.getAttribute('[data-refusal]', 'data-refusal'), 'SELF_APPROVAL')
    t.match(await page.textContent('[data-submit-status]'), /节点拒绝（SELF_APPROVAL）：申请人不能审批自己的申请/)
    await loadKey(page, 'yiqiao-director')
    await page.fill('[name=comment]', '同意，按预算执行')
    const approved = await previewSignAndVerify(page)
    t.equal(await page.getAttribute(`li[data-seq="${approved}"]`, 'data-verified'), 'ok', 'the approval is verified')

    t.same(requests.filter((request) => request.startsWith('ANSWER')).map((request) => request.replace(baseUrl, '')), ['ANSWER 403 /v1/statements'], 'only the refused approval was refused')
    t.same(errors, ['Failed to load resource: the server responded with a status of 403 (Forbidden)'], 'no script error or CSP violation on /console/act')

    const seal = await openVerifiedPage(page, `${baseUrl}/seals/yiqiao-committee-seal`)
    t.equal(seal.state, 'verified', seal.status)
    t.match(await page.textContent('[id="YQ-WEB-1"] [data-fact=state]'), /已批准/, 'the seal page shows the application approved')
    for (const actor of ['yiqiao-secretary', 'yiqiao-director']) {
      for (const secret of secretForms(actor)) t.notOk(requests.some((request) => request.includes(secret)), `no request carries ${actor}'s key`)
    }
    t.notOk(requests.some((request) => request.includes('the contract, never uploaded')), 'nor the document')
  })
}
