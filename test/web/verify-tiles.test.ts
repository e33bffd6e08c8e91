// Issue 14: the consumer page verifies the same way whichever copy of the log served it. In headless
// Chromium against a real node on 127.0.0.1 (through a rewriting proxy, as a CDN or a hostile network):
// with the node's proof and entry API refused, the page still verifies, its entries read from their bundles
// (it asks the API for them first: test/web/verify-entry-api.test.ts), its proofs built from the tiles and
// its immutable tiles taken from the browser's cache the next time; a flipped byte in a hash tile or an entry
// bundle fails it, naming the tile; a page whose `data-tlog` names another origin (nginx serving a
// published tree) verifies against the node's signed checkpoint just the same, and fails on a tile altered
// there, or on one sent without end, read no further than a tile can hold; and a page served by a mirror (`tracechain mirror`, its own process) verifies under the label's key.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import t, { type Test } from 'tap'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { StaticFiles } from '../../src/publish/static-files.js'
import { publishTree } from '../../src/publish/publish-tree.js'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { haveChromium, launchChromium, lazyScript } from '../helpers/chromium.js'
import { hostileServer } from '../helpers/hostile-server.js'
import { haveNginx, startNginx } from '../helpers/nginx.js'
import { getCheckpoint, startMirror, startNode } from '../helpers/node-process.js'
import { startRewritingProxy } from '../helpers/rewriting-proxy.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const VERIFY_TIMEOUT_MS = 30_000
/** Past one tile: the lot's entries are then in a full (immutable) level-0 tile and bundle. */
const EXTRA_ACTORS = 250
/** API routes that would hand the page what it must now compute from the tiles. */
const PROOF_API = /^\/v1\/(proofs|entries|checkpoint)\b/
const MIRROR_DEADLINE_MS = 60_000
/** Chromium's console line for each refused load. */
const NOT_FOUND = 'Failed to load resource: the server responded with a status of 404 (Not Found)'
/** The entries and proofs a page asks the API for before it reads the tiles. */
const refusedEntries = (asked: string[]) => asked.filter((path) => /^\/v1\/(entries|proofs)\//.test(path)).length

/** The zongzi demo grown past 256 entries, listening on 127.0.0.1. */
async function grownDemo(t: Test) {
  const demo = await demoApp(t, { listen: true })
  for (let i = 0; i < EXTRA_ACTORS; i++) await demo.node.register(`farm-extra-${i}`, ['farm'])
  t.ok(demo.node.ledger.size > 256, `a log of ${demo.node.ledger.size} entries`)
  return demo
}

const launch = (t: Test) => launchChromium(t, 'zh-CN', { console: true, phone: false })

async function verdict(page: Page, url: string): Promise<{ state: string | null; status: string }> {
  await page.goto('about:blank')
  await page.goto(url)
  await page.waitForSelector('[data-verification="verified"],[data-verification="failed"]', { timeout: VERIFY_TIMEOUT_MS })
  return { state: await page.getAttribute('[data-verification]', 'data-verification'), status: (await page.textContent('[data-verification-status]')) ?? '' }
}

/** Empties the browser's HTTP cache: a tile altered after a good one was cached must be fetched to be seen. */
async function clearCache(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.clearBrowserCache')
  await cdp.detach()
}

function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy[at % copy.length] ^= 0x01
  return copy
}

if (haveChromium(t)) {
  t.before(async () => {
    await buildVerifierBundle()
  })

  t.test('the proof API refused: the page verifies from the tiles, and reads immutable tiles from the cache next time', async (t) => {
    const { baseUrl, node } = await grownDemo(t)
    const proxy = await startRewritingProxy(t, baseUrl)
    proxy.refuse = (path) => PROOF_API.test(path)
    const { page, errors } = await launch(t)
    const url = `${proxy.url}${lotPath(FINE_LOT)}`

    const first = await verdict(page, url)
    t.equal(first.state, 'verified', first.status)
    t.match(first.status, `检查点 ${node.ledger.size}`)
    const refused = refusedEntries(proxy.asked)
    t.ok(refused > 0, `the page asked the API for its ${refused} entries first, and their proofs`)
    t.same(errors, Array(refused).fill(NOT_FOUND), 'no other failed load or error')
    t.same(proxy.asked.filter((path) => /^\/v1\/(checkpoint|proofs\/consistency)\b/.test(path)), [], 'no checkpoint or consistency proof asked of the API')
    const read = new Set(proxy.asked.filter((path) => path.startsWith('/tlog/')))
    for (const path of ['/tlog/checkpoint', '/tlog/tile/0/000', '/tlog/tile/entries/000', '/tlog/tile/1/000.p/1']) t.ok(read.has(path), `read ${path}`)
    t.same(proxy.asked.filter((path) => lazyScript().test(path)).map((path) => lazyScript('tiles').test(path)), [true], "the tile reader comes with the 'tiles' lazy script, fetched once, and no other")

    const mark = proxy.asked.length
    const second = await verdict(page, `${url}?lang=en`)
    t.equal(second.state, 'verified', second.status)
    const again = proxy.asked.slice(mark)
    t.ok(again.includes('/tlog/checkpoint'), 'the checkpoint is fetched again, past every cache')
    t.notOk(again.includes('/tlog/tile/0/000'), 'the full hash tile comes from the browser cache')
    t.notOk(again.includes('/tlog/tile/entries/000'), 'and so does the full bundle')
  })

  t.test('a flipped byte in a hash tile or an entry bundle on the way: the page fails, naming the tile', async (t) => {
    const { baseUrl, node } = await grownDemo(t)
    const proxy = await startRewritingProxy(t, baseUrl)
    // The page reads the tiles for its entries only where the API gives none (test/web/verify-entry-api.test.ts).
    proxy.refuse = (path) => /^\/v1\/(entries|proofs)\//.test(path)
    const { context, page } = await launch(t)
    const url = `${proxy.url}${lotPath(FINE_LOT)}`
    const size = node.ledger.size
    const cases: [string, string, number][] = [
      ['a full hash tile', 'tile/0/000', 20 * 32 + 7],
      ['the rightmost hash tile', `tile/0/001.p/${size - 256}`, 3],
      ['a full entry bundle', 'tile/entries/000', 1000],
      ['the level-1 tile', 'tile/1/000.p/1', 31],
    ]
    for (const [what, tile, at] of cases) {
      await clearCache(context, page)
      proxy.rewriteBytes = (bytes, path) => (path === `/tlog/${tile}` ? flipped(bytes, at) : bytes)
      const outcome = await verdict(page, url)
      t.equal(outcome.state, 'failed', `${what}: ${outcome.status}`)
      // The rightmost tiles are checked together, against the root: a failure there names them all.
      const named = /账本分片 (.+?) 与已签名的检查点不符/.exec(outcome.status)?.[1]
      t.ok(named?.split(', ').includes(tile), `${what}: names ${named}`)
    }
    proxy.rewriteBytes = undefined
    await clearCache(context, page)
    t.equal((await verdict(page, `${url}?lang=en`)).state, 'verified', 'untouched again, it verifies')
    proxy.rewriteBytes = (bytes, path) => (path === '/tlog/tile/entries/000' ? flipped(bytes, 1000) : bytes)
    await clearCache(context, page)
    const en = await verdict(page, `${url}?lang=en`)
    t.match(en.status, 'the log tile tile/entries/000 does not check out against the signed checkpoint', en.status)
  })

  t.test("data-tlog names another origin (nginx serving a published tree): verified against the node's checkpoint", async (t) => {
    if (!haveNginx(t)) return
    const { baseUrl, node } = await grownDemo(t)
    const root = testDir(t)
    const published = join(root, 'tlog')
    const files = StaticFiles.at(published)
    await files.prepare()
    await publishTree(node.ledger, files, node.ledger.checkpoint, 0)
    const nginx = await startNginx(published, join(root, 'nginx'))
    t.teardown(() => nginx.stop())

    // What an operator does to point its pages at a CDN: the root names the copy, the CSP lets the page read it.
    const proxy = await startRewritingProxy(t, baseUrl)
    // (A node renders no preloads of its own tiles and API for such a page: web/early-requests.ts.)
    proxy.rewrite = (html) =>
      html.replace('<main data-verification="pending"', `<main data-tlog="${nginx.url}/" data-verification="pending"`).replace(/<link rel="preload"[^>]*>/g, '')
    proxy.rewriteHeader = (name, value) => (name === 'content-security-policy' ? value.replace("connect-src 'self'", `connect-src 'self' ${nginx.url}`) : value)
    proxy.refuse = (path) => PROOF_API.test(path) || path.startsWith('/tlog/')
    const { context, page, errors, requests } = await launch(t)
    const url = `${proxy.url}${lotPath(FINE_LOT)}`

    const outcome = await verdict(page, url)
    t.equal(outcome.state, 'verified', outcome.status)
    t.same(errors, [], 'no CSP violation, no failed load')
    t.equal(await page.getAttribute('[data-verification]', 'data-verification-size'), String(node.ledger.size))
    t.same(proxy.asked.filter((path) => PROOF_API.test(path) || path.startsWith('/tlog/')), [], 'nothing of the log read from the node but its key')
    t.ok(proxy.asked.includes('/v1/log/key'), "the log key from the node, checked against the label's pin as ever")
    const fromCopy = requests.filter((request) => request.startsWith(nginx.url)).map((request) => request.slice(nginx.url.length))
    for (const path of ['/checkpoint', '/tile/0/000', '/tile/entries/000']) t.ok(fromCopy.includes(path), `read ${path} from nginx`)

    // The same copy, one byte of the bundle altered on its disk.
    const bundle = join(published, 'tile/entries/000')
    writeFileSync(bundle, flipped(readFileSync(bundle), 2000))
    await clearCache(context, page)
    const altered = await verdict(page, url)
    t.equal(altered.state, 'failed', altered.status)
    t.match(altered.status, '账本分片 tile/entries/000 与已签名的检查点不符')
  })

  t.test('data-tlog names a copy that sends a tile without end: the page reads what the tile can hold, and fails', async (t) => {
    const { baseUrl } = await grownDemo(t)
    const copy = await hostileServer(t, (path) => `${baseUrl}/tlog${path}`, (path) => (path === '/tile/0/000' ? 'endless' : undefined))
    const proxy = await startRewritingProxy(t, baseUrl)
    proxy.rewrite = (html) =>
      html.replace('<main data-verification="pending"', `<main data-tlog="${copy.url}/" data-verification="pending"`).replace(/<link rel="preload"[^>]*>/g, '')
    proxy.rewriteHeader = (name, value) => (name === 'content-security-policy' ? value.replace("connect-src 'self'", `connect-src 'self' ${copy.url}`) : value)
    proxy.refuse = (path) => PROOF_API.test(path) || path.startsWith('/tlog/')
    const { page } = await launch(t)
    const started = Date.now()
    const outcome = await verdict(page, `${proxy.url}${lotPath(FINE_LOT)}?lang=en`)
    t.equal(outcome.state, 'failed', outcome.status)
    t.match(outcome.status, 'the log tile tile/0/000 does not check out against the signed checkpoint', 'the tile named, as any altered tile is')
    // The bound is a full tile's 8,192 bytes; what passed it sat in the sockets' buffers when the page hung up.
    t.ok(copy.sent() < 16 * 1024 * 1024, `${copy.sent()} bytes sent of the copy's 256 MiB`)
    t.ok(Date.now() - started < 15_000, `failed within ${Date.now() - started} ms`)
  })

  t.test('a page served by a mirror, its proof API refused: verified under the key on the label', async (t) => {
    const root = testDir(t)
    const node = await startNode({ dir: join(root, 'node'), args: ['--seed'] })
    t.teardown(() => node.stop())
    const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
    const mirror = await startMirror({ dir: join(root, 'mirror'), from: `${node.url}/tlog/`, key })
    t.teardown(() => mirror.stop())
    const { size } = await getCheckpoint(node.url)
    for (const until = Date.now() + MIRROR_DEADLINE_MS; ; ) {
      const health = (await (await fetch(`${mirror.url}/healthz`)).json()) as { size?: number }
      if (health.size === size) break
      if (Date.now() > until) throw new Error(`the mirror did not reach size ${size}: ${JSON.stringify(health)}\n${mirror.output()}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    const proxy = await startRewritingProxy(t, mirror.url)
    proxy.refuse = (path) => PROOF_API.test(path)
    const { page, errors } = await launch(t)
    const keyId = logKeyIdOf(key)
    const outcome = await verdict(page, `${proxy.url}${lotPath(FINE_LOT)}#log=${keyId}`)
    t.equal(outcome.state, 'verified', outcome.status)
    t.match(outcome.status, `账本公钥 ${keyId} 与标签上的一致`)
    t.same(errors, Array(refusedEntries(proxy.asked)).fill(NOT_FOUND))
    t.ok(proxy.asked.includes('/tlog/checkpoint'), "the mirror's own copy of the tiles")
    t.same(proxy.asked.filter((path) => /^\/v1\/(checkpoint|proofs\/consistency)\b/.test(path)), [])
  })
}
