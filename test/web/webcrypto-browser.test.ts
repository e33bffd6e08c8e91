// The page verifier's Ed25519 in Chromium (web/page-ed25519.ts): the browser's own WebCrypto where it passes the
// probe, so a lot page fetches no @noble; @noble from the lazy script where the browser has no WebCrypto
// (as on a page outside a secure context); and a signature that does not verify still fails the page, after
// the checks run again on the verdicts.

import t from 'tap'
import { haveChromium, launchChromium, lazyScript, openVerifiedPage } from '../helpers/chromium.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'


if (haveChromium(t)) {
  t.test('WebCrypto where Chromium has it; @noble on demand where it has not; a bad signature still fails', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const url = `${baseUrl}${lotPath(FINE_LOT)}?lang=en`

    const native = await launchChromium(t, 'en-US', { console: true })
    const verdict = await openVerifiedPage(native.page, url)
    t.equal(verdict.state, 'verified', verdict.status)
    t.notOk(native.requests.some((request) => lazyScript().test(request)), "verified with Chromium's WebCrypto: the lazy script is not fetched")
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
    t.same(without.errors, [])
  })
}
