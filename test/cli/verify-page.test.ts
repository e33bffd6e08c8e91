// `tracechain verify-page --out DIR`: the standalone page and its versioned script, ready for any static
// origin: the page names its script relatively, with the SHA-384 of the file written beside it, and
// nothing of a node's origin.

import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { writeVerifyPage } from '../../src/cli/verify-page.js'
import { readVerifierAsset } from '../../src/web/verifier-asset.js'
import { testDir } from '../helpers/test-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

t.test('two files; the page pins the script written beside it', async (t) => {
  const out = join(testDir(t), 'site', 'verify')
  const written = writeVerifyPage({ out })
  const names = readdirSync(out).sort()
  t.equal(names.length, 2)
  t.equal(names[0], 'index.html')
  t.match(names[1], /^verify-[0-9a-f]{16}\.js$/)
  const html = readFileSync(join(out, 'index.html'), 'utf8')
  const script = readFileSync(join(out, names[1]))
  const integrity = `sha384-${createHash('sha384').update(script).digest('base64')}`
  t.equal(written.integrity, integrity)
  t.equal(integrity, readVerifierAsset().integrity, 'the built verifier, byte for byte')
  t.match(html, `<script src="${names[1]}" integrity="${integrity}" crossorigin="anonymous" defer></script>`)
  t.match(html, `<code data-verifier-integrity>${integrity}</code>`)
  t.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;self&#39;; connect-src http: https:;/)
  t.notMatch(html, /\/web\/|127\.0\.0\.1|value="/, 'no path on a node, no origin, no value filled in')
  t.notMatch(html, /data-verification=|data-seq/, 'no ledger fact rendered')
})

t.test('--url and --log-id fill the fields in; bad ones are refused', async (t) => {
  const out = testDir(t)
  writeVerifyPage({ out, url: 'https://trace.example.cn', logId: '370b113f' })
  const html = readFileSync(join(out, 'index.html'), 'utf8')
  t.match(html, 'name="url" type="url" required placeholder="https://trace.example.cn" value="https://trace.example.cn"')
  t.match(html, /name="log" required pattern="\[0-9a-fA-F\]\{8,64\}" placeholder="370b113f" value="370b113f"/)
  t.throws(() => writeVerifyPage({ out, url: 'javascript:alert(1)' }), { code: 'BAD_REQUEST' })
  t.throws(() => writeVerifyPage({ out, logId: '370B113F' }), { code: 'BAD_REQUEST' })
  t.throws(() => writeVerifyPage({ out, bundlePath: join(out, 'missing.js') }), { code: 'NOT_FOUND' })
})

t.test('the tracechain command writes them and prints the hash', async (t) => {
  const out = join(testDir(t), 'page')
  const loader = new URL(`file://${join(ROOT, 'node_modules/@tapjs/typescript/dist/esm/import.mjs')}`).href
  const stdout = execFileSync(process.execPath, [`--import=${loader}`, join(ROOT, 'src/cli/main.ts'), 'verify-page', '--out', out], { cwd: ROOT, encoding: 'utf8' })
  const { integrity, sha256 } = readVerifierAsset()
  t.match(stdout, `wrote ${join(out, 'index.html')}`)
  t.match(stdout, `integrity ${integrity}`)
  t.match(stdout, `sha256    ${sha256}`)
})
