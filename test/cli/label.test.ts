// `tracechain label`: from a running node (--url) and offline (--base-url, --dir), SVG and PNG,
// each QR code decoded back to the URI it must carry.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { makeLabel, writeLabel } from '../../src/cli/label.js'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { seedLedger } from '../../src/cli/demo.js'
import { makeNode } from '../helpers/ledger.js'
import { decodeQr } from '../helpers/qr.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LOT_URN = 'urn:epc:class:lgtin:6901234.000103.Z260526A'

t.test('from a running node: its base URL and key id in the QR code, its product name on the label', async (t) => {
  const { baseUrl, node } = await demoApp(t, { listen: true })
  const out = join(testDir(t), 'label.png')
  const summary = await writeLabel({ url: baseUrl, id: LOT_URN, out }, process.stdout)
  t.match(summary, /PNG label \(472x708 px, 40x60 mm at 300 dpi\)/)
  t.equal(decodeQr(readFileSync(out)), `${baseUrl}${lotPath(FINE_LOT)}#log=${logKeyIdOf(node.ledger.verifierKey)}`)
  const svg = await makeLabel({ url: baseUrl, id: `https://id.gs1.org${lotPath(FINE_LOT)}`, format: 'svg', size: 'screen' })
  const text = new TextDecoder().decode(svg.bytes)
  t.match(text, /width="320" height="480"/)
  t.match(text, /嘉兴鲜肉粽/)
  await t.rejects(makeLabel({ url: baseUrl, id: 'urn:epc:class:lgtin:6901234.000999.X' }), { code: 'NOT_FOUND', message: /^404 from http:\/\/127\.0\.0\.1:\d+\/v1\/labels\// })
  await t.rejects(makeLabel({ url: baseUrl, id: LOT_URN, format: 'gif' }), { code: 'BAD_REQUEST' })
})

t.test("offline: --base-url, with the product name and the log's key id from a stopped node's --dir, or --log-key", async (t) => {
  const dir = testDir(t)
  const node = await makeNode(join(dir, 'node'))
  await seedLedger(node.ledger, node.operator)
  const verifierKey = node.ledger.verifierKey
  await node.close()
  const keyId = logKeyIdOf(verifierKey)
  const named = await makeLabel({ baseUrl: 'https://trace.example.cn', dir: join(dir, 'node'), id: LOT_URN, out: 'x.png' })
  t.equal(named.format, 'png', 'the format follows --out')
  t.equal(decodeQr(Buffer.from(named.bytes)), `https://trace.example.cn${lotPath(FINE_LOT)}#log=${keyId}`)
  t.match(named.description, /trace code EQKW-2CTH/)
  const unnamed = await makeLabel({ baseUrl: 'https://trace.example.cn', logKey: verifierKey, id: LOT_URN, format: 'png' })
  t.equal(decodeQr(Buffer.from(unnamed.bytes)), `https://trace.example.cn${lotPath(FINE_LOT)}#log=${keyId}`, '--log-key: the key id of the key given')
  t.match(new TextDecoder().decode((await makeLabel({ baseUrl: 'https://trace.example.cn', logKey: verifierKey, id: LOT_URN })).bytes), /GTIN 06901234001037/)
  t.ok(await makeLabel({ baseUrl: 'https://trace.example.cn', dir: join(dir, 'node'), logKey: verifierKey, id: LOT_URN }), 'both, agreeing')
  await t.rejects(makeLabel({ id: LOT_URN }), { code: 'BAD_REQUEST' })
  await t.rejects(makeLabel({ baseUrl: 'https://trace.example.cn', id: LOT_URN }), { code: 'BAD_REQUEST', message: /--dir .* or --log-key/ }, 'no label without the key id')
  await t.rejects(makeLabel({ baseUrl: 'https://trace.example.cn', logKey: 'nonsense', id: LOT_URN }), { code: 'VERIFIER_KEY_INVALID' })
  const other = await makeNode(join(dir, 'other'))
  const otherKey = other.ledger.verifierKey
  await other.close()
  await t.rejects(makeLabel({ baseUrl: 'https://trace.example.cn', dir: join(dir, 'node'), logKey: otherKey, id: LOT_URN }), { code: 'BAD_REQUEST', message: /is not the key of the node/ })
})

t.test('the tracechain command runs it', async (t) => {
  const out = join(testDir(t), 'cli.svg')
  const loader = new URL(`file://${join(ROOT, 'node_modules/@tapjs/typescript/dist/esm/import.mjs')}`).href
  const logKey = 'tracechain.local/node+370b113f+AaQx3Dg9THmYUZCD5jYpLlO+Rbegd82JURmRu6hkKVtS'
  const stdout = execFileSync(process.execPath, [`--import=${loader}`, join(ROOT, 'src/cli/main.ts'), 'label', '--base-url', 'https://trace.example.cn', '--log-key', logKey, '--id', LOT_URN, '--out', out], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  })
  t.equal(stdout, '', 'nothing on stdout when --out is given')
  t.match(readFileSync(out, 'utf8'), /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="40mm"/)
  t.match(readFileSync(out, 'utf8'), /Z260526A#log=370b113f</, "the README's log key, its key id in the small print")
})
