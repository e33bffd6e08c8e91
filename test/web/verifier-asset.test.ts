// The browser scripts as static, versioned files: every page names its kind's /web/<name>-<16 hex of its
// SHA-256>.js with the SHA-384 of the bytes the node serves there (SRI), the versioned files are cached
// for good, and GET /verify prints the standalone verifier's hash. Fetch the page, fetch its script, hash
// it, compare.

import { createHash } from 'node:crypto'
import { brotliDecompressSync } from 'node:zlib'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { GS1_SYNTAX_ROWS } from '../../src/core/gs1-syntax-table.js'
import { buildVerifierBundle, pageScriptOf } from '../../src/web/bundle.js'
import { PUBLIC_DIR, readVerifierAsset, verifierAssetOf } from '../../src/web/verifier-asset.js'
import { LAZY_PARTS, lazyPartsOf, type LazyPart } from '../../src/web/page-scripts.js'
import { demoApp, FINE_LOT, lotPath } from '../helpers/web.js'
import { testDir } from '../helpers/test-dir.js'

const HTML = { accept: 'text/html' }

t.test('SRI form: sha384- and base64, the W3C SRI example', async (t) => {
  // W3C Subresource Integrity, section 3.3.1 "Integrity metadata" example.
  const asset = verifierAssetOf(Buffer.from("alert('Hello, world.');"))
  t.equal(asset.integrity, 'sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO')
  t.equal(asset.fileName, `verify-${asset.sha256.slice(0, 16)}.js`)
  const file = join(testDir(t), 'v.js')
  writeFileSync(file, "alert('Hello, world.');")
  t.same(readVerifierAsset(file).integrity, asset.integrity)
  t.throws(() => readVerifierAsset(join(testDir(t), 'missing.js')), { code: 'NOT_FOUND' })
})

t.test("every page's script tag pins the bytes served under its name: each kind of page its own script", async (t) => {
  const { app } = await demoApp(t)
  const pages: [string, string][] = [
    ['/', 'consumer'],
    ['/?lang=en', 'consumer-en'],
    [lotPath(FINE_LOT), 'consumer'],
    [`${lotPath(FINE_LOT)}?lang=en`, 'consumer-en'],
    ['/search?q=nothing-like-it', 'consumer'],
    ['/search?q=nothing-like-it&lang=en', 'consumer-en'],
    ['/seals/yiqiao-committee-seal', 'seal'],
    ['/seals/yiqiao-committee-seal?lang=en', 'seal-en'],
    ['/verify', 'verify'],
    ['/console', 'console'],
  ]
  const pinned = new Map<string, string>()
  for (const [path, name] of pages) {
    const page = await app.inject({ url: path, headers: HTML })
    const tags = [...page.body.matchAll(/<script\b[^>]*\bsrc=[^>]*>/g)].map((m) => m[0])
    t.equal(tags.length, 1, `${path}: one script`)
    // The hint (web/noble-hint.ts) names @noble's lazy script as the verifier will load it: its path and integrity.
    const hints = [...page.body.matchAll(/<script data-href="([^"]+)" data-integrity="([^"]+)">/g)]
    t.equal(hints.length, name === 'verify' ? 0 : 1, `${path}: ${name === 'verify' ? 'no hint: its script carries @noble' : "the hint for @noble's lazy script"}`)
    for (const [, href, hintIntegrity] of hints) {
      t.match(href, /^\/web\/noble-[0-9a-f]{16}\.js$/)
      const noble = await app.inject(href)
      t.equal(hintIntegrity, `sha384-${createHash('sha384').update(noble.rawPayload).digest('base64')}`, `${path}: the hint's integrity is the served bytes' SHA-384`)
    }
    const src = /\bsrc="([^"]+)"/.exec(tags[0])?.[1] as string
    const integrity = /\bintegrity="([^"]+)"/.exec(tags[0])?.[1] as string
    t.match(src, new RegExp(`^/web/${name}-[0-9a-f]{16}\\.js$`), `${path}: the versioned path of the ${name} script`)
    t.match(tags[0], /crossorigin="anonymous"/, `${path}: fetched without credentials, as SRI asks`)
    const script = await app.inject(src)
    t.equal(script.statusCode, 200)
    t.match(script.headers['content-type'], /^text\/javascript/)
    t.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(integrity, `sha384-${createHash('sha384').update(script.rawPayload).digest('base64')}`, `${path}: the integrity is the served bytes' SHA-384`)
    t.equal(src, `/web/${name}-${createHash('sha256').update(script.rawPayload).digest('hex').slice(0, 16)}.js`, 'named by its SHA-256')
    if (!pinned.has(name)) pinned.set(name, integrity)
    t.equal(integrity, pinned.get(name), `one ${name} file for every page of its kind`)
    const compressed = await app.inject({ url: src, headers: { 'accept-encoding': 'br' } })
    t.equal(compressed.headers['content-encoding'], 'br')
    t.equal(`sha384-${createHash('sha384').update(brotliDecompressSync(compressed.rawPayload)).digest('base64')}`, integrity, 'compressed, it decodes to the pinned bytes')
    const plain = await app.inject(`/web/${name}.js`)
    t.equal(`sha384-${createHash('sha384').update(plain.rawPayload).digest('base64')}`, integrity, 'the unversioned path serves the same bytes')
    t.equal(plain.headers['cache-control'], 'public, max-age=300')
  }
  t.equal(new Set(pinned.values()).size, 6, 'six different files: the consumer and seal pages have one per language')
  for (const stale of ['/web/verify-0000000000000000.js', '/web/consumer-0000000000000000.js', '/web/other-0123456789abcdef.js', '/web/other.js']) {
    const answer = await app.inject(stale)
    t.equal(answer.statusCode, 404, `${stale} is not this node's`)
    t.equal(answer.json().code, 'NOT_FOUND')
  }
  t.equal((await app.inject('/web/verify-x.js?' + 'a'.repeat(10))).statusCode, 404)
})

t.test('the node serves each lazy script under the name and hash its page scripts pin', async (t) => {
  const { app } = await demoApp(t)
  const consumerSrc = /src="(\/web\/consumer-[0-9a-f]{16}\.js)"/.exec((await app.inject({ url: lotPath(FINE_LOT), headers: HTML })).body)?.[1] as string
  const consumer = (await app.inject(consumerSrc)).body
  const sealSrc = /src="(\/web\/seal-[0-9a-f]{16}\.js)"/.exec((await app.inject({ url: '/seals/yiqiao-committee-seal', headers: HTML })).body)?.[1] as string
  const seal = (await app.inject(sealSrc)).body
  for (const part of LAZY_PARTS) {
    // 'hanzi' is the seal and console scripts' alone (page-scripts.ts lazyPartsOf).
    const [name, script] = lazyPartsOf('consumer').includes(part) ? ['consumer', consumer] : ['seal', seal]
    // As the build writes them into the page scripts (web/bundle.ts): {"file":"<part>-<hex>.js","integrity":"sha384-…"}.
    const pin = new RegExp(`"?file"?:"(${part}-[0-9a-f]{16}\\.js)","?integrity"?:"(sha384-[A-Za-z0-9+/=]+)"`).exec(script)
    t.ok(pin, `the ${name} script pins the ${part} script`)
    const [, file, integrity] = pin as RegExpExecArray
    const served = await app.inject(`/web/${file}`)
    t.equal(served.statusCode, 200, file)
    t.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(`sha384-${createHash('sha384').update(served.rawPayload).digest('base64')}`, integrity, `${file}: the pinned bytes`)
    const stale = await app.inject(`/web/${part}-0000000000000000.js`)
    t.equal(stale.statusCode, 404, `another ${part} hash is not this node's`)
  }
  for (const other of ['/web/gs2-0123456789abcdef.js', '/web/1gs-0123456789abcdef.js', '/web/lazy.js']) t.equal((await app.inject(other)).statusCode, 404, other)
})

t.test('GET /verify prints the hash and renders no ledger facts', async (t) => {
  const { app, node } = await demoApp(t)
  const page = await app.inject({ url: '/verify', headers: HTML })
  t.equal(page.statusCode, 200)
  const built = readVerifierAsset()
  t.match(page.body, `<code data-verifier-integrity>${built.integrity}</code>`)
  t.match(page.body, `<code data-verifier-sha256>${built.sha256}</code>`)
  t.match(page.body, /不独立|not independent/, 'the node\'s own copy says it is not the independent one')
  t.match(page.body, 'value="https://trace.example.cn"', 'it starts with this node\'s URL')
  t.notMatch(page.body, node.ledger.verifierKey.split('+')[1], 'no key id of the node\'s: the person brings it')
  t.notMatch(page.body, /data-seq|data-verification=/, 'nothing for the page verifier')
  t.match(page.headers['content-security-policy'], /script-src 'self'/)
})

t.test("the README prints this version's verifier: its versioned name and SRI hash, as the build makes them", async (t) => {
  const out = testDir(t)
  await buildVerifierBundle(out)
  const asset = readVerifierAsset(join(out, 'verify.js'))
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const printed = /\/web\/verify-([0-9a-f]{16})\.js {2}(sha384-[A-Za-z0-9+/=]+)/.exec(readme)
  t.ok(printed, 'the README shows the verifier line serve prints')
  t.equal(`/web/${printed?.[1] ? `verify-${printed[1]}.js` : ''}`, `/web/${asset.fileName}`, 'a changed verifier is a changed README: update its line to what `npm run build` prints')
  t.equal(printed?.[2], asset.integrity)
})

t.test("the consumer script leaves out the EPCIS event hash and the GS1 syntax dictionary; the 'gs1' lazy script it pins has them", async (t) => {
  const out = testDir(t)
  await buildVerifierBundle(out)
  const consumer = readFileSync(join(out, 'consumer.js'), 'utf8')
  const onDemand = readVerifierAsset(join(out, 'gs1.js'), 'gs1')
  const gs1 = onDemand.bytes.toString()
  // The hash's version string (core/epcis-event-hash.ts EVENT_HASH_VERSION) marks its code.
  t.notOk(consumer.includes('CBV2.0'), 'not in the script every phone fetches')
  t.ok(gs1.includes('CBV2.0'), 'in the lazy one')
  // Each row of the GS1 syntax dictionary, as the minified scripts write it, and the Digital Link parser's words.
  for (const row of GS1_SYNTAX_ROWS) {
    const written = JSON.stringify(row)
    t.ok(!consumer.includes(written) && gs1.includes(written), `${row[0]} ${row[4]}: in the lazy script alone`)
  }
  const parser = 'is not a primary key with its qualifiers in an order the standard allows'
  t.ok(!consumer.includes(parser) && gs1.includes(parser), "core/digital-link.ts's parser: in the lazy script alone")
  // The common forms (food/identifier-forms.ts) are in the consumer script: a label's lot needs nothing else.
  t.ok(consumer.includes('a GTIN in a URN has 13 digits of company prefix'), 'the common forms: in the consumer script')
})

t.test("the node's page scripts pin each lazy script and hold none of their code; the standalone verifier holds it all", async (t) => {
  const out = testDir(t)
  await buildVerifierBundle(out)
  const script = (name: string) => readFileSync(join(out, `${name}.js`), 'utf8')
  // A message or constant of each part, as the minified scripts keep it: the event hash's version, core/tiled-log.ts,
  // web/failure-words.ts, @noble, and a pair of OpenCC's table (seal/simplified.ts).
  const marks: Record<LazyPart, string> = { gs1: 'CBV2.0', tiles: 'the log serves no checkpoint', words: '账本分片', noble: 'bad point: y not sqrt', hanzi: '義 义' }
  for (const part of LAZY_PARTS) {
    const lazy = readVerifierAsset(join(out, `${part}.js`), part)
    for (const other of LAZY_PARTS) t.equal(lazy.bytes.toString().includes(marks[other]), other === part, `${part}: ${other === part ? 'holds' : 'not'} ${other}'s code`)
    for (const name of ['consumer', 'consumer-en', 'seal', 'seal-en', 'console'] as const) {
      // The consumer scripts have no seal views: they do not even name 'hanzi' (page-scripts.ts lazyPartsOf).
      const pins = lazyPartsOf(name).includes(part)
      t.equal(script(name).includes(lazy.fileName) && script(name).includes(lazy.integrity), pins, `${name}: ${pins ? 'names and pins' : 'does not name'} ${lazy.fileName}`)
      t.notOk(script(name).includes(marks[part]), `${name}: holds none of ${part}'s code`)
    }
    // The standalone verifier verifies logs, lots and bundles: no seal view, so no title to fold.
    if (part !== 'hanzi') t.ok(script('verify').includes(marks[part]), `the standalone verifier holds ${part}'s code`)
    t.notOk(script('verify').includes(lazy.fileName), 'and loads nothing: verify-page writes it into one file')
  }
  t.notOk(script('consumer').includes('hanzi'), "the consumer script has not a byte of 'hanzi'")
})

t.test('pageScriptOf builds a module as the page scripts are built: the consumer script from its own source, byte for byte', async (t) => {
  // bench/page-weight.mjs weighs parts of the consumer script with it; its figures hold only if this does.
  const source = readFileSync(new URL('../../src/browser/consumer.ts', import.meta.url), 'utf8')
  const built = readFileSync(join(PUBLIC_DIR, 'consumer.js'))
  t.ok((await pageScriptOf(source, 'zh')).equals(built), 'the same bytes as dist/public/consumer.js')
  t.ok((await pageScriptOf(source, 'en')).equals(readFileSync(join(PUBLIC_DIR, 'consumer-en.js'))), 'with English words alone, the same bytes as dist/public/consumer-en.js')
  const checksOnly = await pageScriptOf("import { startPageVerification } from '../web/verify.js'\nstartPageVerification()")
  t.ok(built.includes("food.provenance"), "the consumer script holds the lot page's view")
  t.notOk(checksOnly.includes("food.provenance"), `the checks alone (${checksOnly.length} bytes) hold no view`)
  t.ok(checksOnly.includes('DSSEv1'), 'but the checks: DSSE among them')
})
