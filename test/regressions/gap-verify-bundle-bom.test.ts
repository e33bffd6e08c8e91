// Gap (verify): a proof bundle saved with a byte order mark (U+FEFF, as some editors write UTF-8) was verified by
// the drop page, whose File.text() drops a leading BOM as the Encoding standard's UTF-8 decode does, and refused by
// `verify --bundle` ("not JSON"), which read the file with the BOM in it. RFC 8259 lets a parser ignore one; the
// bundle is UTF-8 JSON; both now decode the file alike and verify it, and both still refuse a bundle it was
// not prefixed to but tampered.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { BUNDLE_MEDIA_TYPE, type ProofBundle } from '../../src/core/proof-bundle.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium } from '../helpers/chromium.js'
import { runCli } from '../helpers/node-process.js'
import { staticSite } from '../helpers/static-site.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })
  t.test('a bundle with a BOM: the drop page and verify --bundle both verify it', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'tracechain-bundle-bom-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const { app, node, baseUrl } = await demoApp(t, { listen: true })
    const text = await (await fetch(`${baseUrl}${lotPath(FINE_LOT)}`, { headers: { accept: BUNDLE_MEDIA_TYPE } })).text()
    const verifierKey = node.ledger.verifierKey
    await app.close()
    const withBom = join(dir, 'lot.tracechain-bundle.json')
    writeFileSync(withBom, Buffer.concat([BOM, Buffer.from(text)]))
    // The same bundle with a BOM and one entry's recorded time changed: refused by both all the same.
    const bundle = JSON.parse(text) as ProofBundle
    const target = bundle.entries.find((e) => e.seq === bundle.about.seqs[0]) as ProofBundle['entries'][number]
    const entry = JSON.parse(Buffer.from(target.leaf, 'base64').toString('utf8')) as { recordedAt: string }
    entry.recordedAt = '2020-01-01T00:00:00.000Z'
    target.leaf = Buffer.from(JSON.stringify(entry)).toString('base64')
    const tampered = join(dir, 'tampered.json')
    writeFileSync(tampered, Buffer.concat([BOM, Buffer.from(JSON.stringify(bundle))]))

    const cli = await runCli(['verify', '--bundle', withBom, '--key', verifierKey])
    t.equal(cli.code, 0, `verify --bundle: ${cli.stdout.slice(0, 200)}${cli.stderr}`)
    t.match(cli.stdout, /^VERIFIED/)
    const cliTampered = await runCli(['verify', '--bundle', tampered, '--key', verifierKey])
    t.equal(cliTampered.code, 1, 'a tampered bundle with a BOM still fails')

    writeVerifyPage({ out: join(dir, 'site') })
    const site = await staticSite(t, join(dir, 'site'))
    const { page } = await launchChromium(t, 'en-US', { console: true })
    await page.goto(`${site.url}/#log=${logKeyIdOf(verifierKey)}`)
    const outcomeOf = async (file: string) => {
      await page.evaluate(() => document.querySelector('[data-bundle-state]')?.setAttribute('data-bundle-state', 'idle'))
      await page.setInputFiles('[data-bundle-form] input[name="file"]', file)
      await page.waitForSelector('[data-bundle-state="verified"],[data-bundle-state="failed"]', { state: 'attached', timeout: 60_000 })
      return page.getAttribute('[data-bundle-state]', 'data-bundle-state')
    }
    t.equal(await outcomeOf(withBom), 'verified', 'the drop page verifies it, as the CLI does')
    t.equal(await outcomeOf(tampered), 'failed', 'and fails the tampered one, as the CLI does')
  })
}
