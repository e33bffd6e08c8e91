// Hunt (keys): a key file that is not JSON is most often a key in another form: a raw base64 seed, a hex seed,
// `privateKey=...`, a hand edit that lost a quote. Before, the error said what JSON.parse said, and V8 quotes the
// text around the fault: `tracechain sign --key seed.txt` printed the first ten characters of the private seed on
// stderr (into CI logs), and the console's act page put them in the page, against "the key is read in memory and
// nowhere else". Now a key file that is not JSON is refused with INVALID_JSON and where the fault is, never with
// its text.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { toBase64, toHex } from '../../src/core/bytes.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { newSigner } from '../helpers/ledger.js'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { demoApp } from '../helpers/web.js'

/** Key files of the wrong kind, each holding `seed`'s secret, and the texts of it that must not be shown. */
function wrongKinds(seed: Uint8Array, keyid: string, publicKey: string): { name: string; text: string; secrets: string[] }[] {
  const base64 = toBase64(seed)
  const hex = toHex(seed)
  const secrets = [base64.slice(0, 6), hex.slice(0, 6)]
  return [
    { name: 'a raw base64 seed', text: `${base64}\n`, secrets },
    { name: 'a hex seed starting with a letter', text: `f${hex.slice(1)}\n`, secrets: [`f${hex.slice(1, 6)}`] },
    { name: 'privateKey=', text: `privateKey=${base64}\n`, secrets },
    { name: 'an unquoted privateKey', text: `{"keyid":"${keyid}","publicKey":"${publicKey}","privateKey":${base64}}\n`, secrets },
  ]
}

t.test('tracechain sign with a key file of the wrong kind says so without quoting it', async (t) => {
  const dir = testDir(t)
  const signer = newSigner()
  writeFileSync(join(dir, 'body.json'), '{}')
  for (const kind of wrongKinds(signer.seed, signer.keyid, toBase64(signer.publicKey))) {
    const file = join(dir, 'key.txt')
    writeFileSync(file, kind.text, { mode: 0o600 })
    const run = await runCli(['sign', '--key', file, '--type', 'food.product', '--actor', 'a', '--id', 'b', '--body', join(dir, 'body.json')])
    t.equal(run.code, 2, kind.name)
    t.match(run.stderr, /INVALID_JSON/, kind.name)
    for (const secret of kind.secrets) t.notMatch(run.stderr + run.stdout, secret, `${kind.name}: no part of the seed printed (${run.stderr.trim()})`)
  }
})

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the act page refuses such a file without showing any of it', async (t) => {
    const { baseUrl } = await demoApp(t, { listen: true })
    const { page } = await launchChromium(t, 'en-GB')
    t.equal((await openVerifiedPage(page, `${baseUrl}/console/act?lang=en`)).state, 'verified')
    const signer = newSigner()
    for (const kind of wrongKinds(signer.seed, signer.keyid, toBase64(signer.publicKey))) {
      await page.evaluate(() => {
        const status = document.querySelector('[data-key-status]')
        if (status) status.textContent = ''
      })
      await page.setInputFiles('[data-key-file]', { name: 'key.json', mimeType: 'application/json', buffer: Buffer.from(kind.text) })
      await page.waitForFunction(() => (document.querySelector('[data-key-status]')?.textContent ?? '') !== '', undefined, { timeout: 60_000 })
      const status = (await page.textContent('[data-key-status]')) ?? ''
      t.match(status, /cannot be used/, kind.name)
      const html = await page.content()
      for (const secret of kind.secrets) t.notOk(html.includes(secret), `${kind.name}: no part of the seed in the page (${status})`)
    }
  })
}
