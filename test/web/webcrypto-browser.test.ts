// The page verifier's Ed25519 in Chromium (web/page-ed25519.ts): the browser's own WebCrypto where it passes the
// probe, so a lot page fetches no @noble; @noble from the lazy script where the browser has no WebCrypto
// (as on a page outside a secure context), asked for by the page's hint (web/noble-hint.ts) before its own
// script has run, and the same where WebCrypto lacks Ed25519 (Chromium before 137); and a signature that does
// not verify still fails the page, after the checks run again on the verdicts.

import type { Page } from 'playwright-core'
import t from 'tap'
import { haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'

/** How the page fetched @noble's lazy script, once per fetch: 'link' for the hint's preload, 'script' for the verifier's own. */
function nobleFetches(page: Page): Promise<string[]> {
  return page.evaluate(() => performance.getEntriesByType('resource').filter((r) => /\/web\/noble-[0-9a-f]{16}\.js$/.test(r.name)).map((r) => (r as PerformanceResourceTiming).initiatorType))
}

if (haveChromium(t)) {
  t.test('WebCrypto where Chromium has it; @noble on demand where it has not; a bad signature still fails', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const url = `${baseUrl}${lotPath(FINE_LOT)}?lang=en`

    const native = await launchChromium(t, 'en-US', { console: true })
    const verdict = await openVerifiedPage(native.page, url)
    t.equal(verdict.state, 'verified', verdict.status)
    t.notOk(native.requests.some((request) => lazyScript().test(request)), "verified with Chromium's WebCrypto: the lazy script is not fetched")
    t.same(await nobleFetches(native.page), [], 'nor asked for by the hint')
    t.same(native.errors, [])

    // The checkpoint's signature changed on the way, in the tiles and in the API's answer that carries it: the
    // first pass assumed it good, the verdict says not, and the page fails, naming it.
    const forgedNote = (note: string) => {
      const lines = note.split('\n')
      const at = lines.findIndex((line) => line.startsWith('— '))
      const signature = lines[at].split(' ')
      const base64 = signature[2]
      signature[2] = base64.slice(0, 12) + (base64[12] === 'A' ? 'B' : 'A') + base64.slice(13)
      lines[at] = signature.join(' ')
      return lines.join('\n')
    }
    await native.page.route('**/tlog/checkpoint', async (route) => {
      const response = await route.fetch()
      await route.fulfill({ response, body: forgedNote(await response.text()) })
    })
    await native.page.route('**/v1/proofs/entries?*', async (route) => {
      const response = await route.fetch()
      const answer = (await response.json()) as { checkpoint?: string }
      if (answer.checkpoint) answer.checkpoint = forgedNote(answer.checkpoint)
      await route.fulfill({ response, json: answer })
    })
    const forged = await openVerifiedPage(native.page, url)
    t.equal(forged.state, 'failed', forged.status)
    t.match(forged.status, 'the checkpoint signature is not valid')
    await native.page.unrouteAll()

    // No WebCrypto at all: @noble comes with the lazy script, pinned, and the page verifies the same.
    const without = await launchChromium(t, 'en-US', { console: true })
    await without.context.addInitScript(() => Object.defineProperty(globalThis.crypto, 'subtle', { get: () => undefined }))
    const fallback = await openVerifiedPage(without.page, url)
    t.equal(fallback.state, 'verified', fallback.status)
    t.equal(new Set(without.requests.filter((request) => lazyScript('noble').test(request))).size, 1, "the 'noble' lazy script, fetched once")
    t.same(await nobleFetches(without.page), ['link'], "fetched by the page's hint, and the verifier's <script> answered from it")
    t.same(without.errors, [])

    // WebCrypto without Ed25519, as in Chromium before 137 (as many Android in-app browsers still are): the same, the hint
    // told by the browser's refusal of the algorithm.
    const older = await launchChromium(t, 'en-US', { console: true })
    await older.context.addInitScript(() => {
      const subtle = globalThis.crypto.subtle
      if (!subtle) return // a document outside a secure context, where there is no WebCrypto to change
      const importKey = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>
      const named = (algorithm: unknown) => (typeof algorithm === 'string' ? algorithm : (algorithm as { name?: string })?.name)
      Object.defineProperty(subtle, 'importKey', {
        value: (...args: unknown[]) => (named(args[2]) === 'Ed25519' ? Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError')) : importKey(...args)),
      })
    })
    const olderVerdict = await openVerifiedPage(older.page, url)
    t.equal(olderVerdict.state, 'verified', olderVerdict.status)
    t.same(await nobleFetches(older.page), ['link'], 'the hint asked for @noble where WebCrypto has no Ed25519')
    t.same(older.errors, [])
  })
}
