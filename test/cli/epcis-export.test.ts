// `tracechain epcis import` and `tracechain export fsma204` against a live node in its own process:
// signing and batching, the summary and exit codes, and the CSV byte for byte as the route serves it.

import t, { type Test } from 'tap'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCli as run, startNode as startProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const GS1_EXAMPLE = join(ROOT, 'test/fixtures/gs1-epcis/JSON/Example_9.6.1-ObjectEvent.jsonld')
const DEMO_FARM_KEY = join(ROOT, 'keys/demo/farm-anji-01.json')

/** A seeded node in its own process, stopped at teardown. */
async function startNode(t: Test): Promise<{ url: string; dir: string }> {
  const dir = testDir(t)
  const node = await startProcess({ dir: join(dir, 'data'), args: ['--seed'] })
  t.teardown(() => node.stop())
  return { url: node.url, dir }
}

/** A key file, and the actor registered with it by the node's operator, all through the CLI. */
async function registerActor(t: Test, url: string, nodeDir: string, id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const key = join(nodeDir, `${id}.key.json`)
  const keygen = await run(['keygen', '--out', key])
  t.equal(keygen.code, 0, keygen.stderr)
  const body = join(nodeDir, `${id}.body.json`)
  writeFileSync(body, JSON.stringify({ id, name: { en: id }, roles: ['processor'], publicKey: JSON.parse(keygen.stdout).publicKey, ...extra }))
  const envelope = join(nodeDir, `${id}.envelope.json`)
  const signed = await run(['sign', '--key', join(nodeDir, 'data/keys/operator.json'), '--type', 'actor.register', '--actor', 'operator', '--id', `register-${id}`, '--body', body])
  t.equal(signed.code, 0, signed.stderr)
  writeFileSync(envelope, signed.stdout)
  const submitted = await run(['submit', '--url', url, envelope])
  t.equal(submitted.code, 0, submitted.stdout + submitted.stderr)
  return key
}

function documentOf(events: Record<string, unknown>[]): string {
  return JSON.stringify({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-06-01T00:00:00.000Z',
    epcisBody: { eventList: events },
  })
}

const observe = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventTime: '2026-06-01T08:00:00.000+08:00',
  eventTimeZoneOffset: '+08:00',
  eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  action: 'OBSERVE',
  bizStep: 'inspecting',
  epcList: [`urn:epc:id:sgtin:6901234.000103.cli-${i}`],
  ...extra,
})

t.test('export fsma204: the CSV as the node serves it, to a file or stdout', async (t) => {
  const { url, dir } = await startNode(t)
  const served = Buffer.from(await (await fetch(`${url}/v1/export/fsma204`)).arrayBuffer())
  const out = join(dir, 'fsma204.csv')
  const toFile = await run(['export', 'fsma204', '--url', url, '--out', out])
  t.equal(toFile.code, 0, toFile.stderr)
  t.same(readFileSync(out), served, 'byte for byte, BOM included')
  t.equal(served[0], 0xef)
  t.match(toFile.stderr, /^fsma204: 19 rows, \d+ bytes written to /)

  const lot = '(01)06901234000283(10)P2605C'
  const filtered = await run(['export', 'fsma204', '--url', url, '--lot', lot, '--to', '2026-05-25'])
  t.equal(filtered.code, 0, filtered.stderr)
  const expected = await (await fetch(`${url}/v1/export/fsma204?lot=${encodeURIComponent(lot)}&to=2026-05-25`)).text()
  t.equal(filtered.stdout, `\uFEFF${expected.replace(/^\uFEFF/, '')}`, 'to stdout, BOM included')
  t.match(filtered.stderr, /^fsma204: 3 rows/)

  for (const [args, code] of [
    [['export', 'fsma204', '--url', url, '--lot', '(01)06901234000283(10)NOPE'], 'NOT_FOUND'],
    [['export', 'fsma204', '--url', url, '--from', 'yesterday'], 'BAD_REQUEST'],
    [['export', 'fsma204', '--url', url, '--lot', 'not-a-lot'], 'IDENTIFIER_INVALID'],
    [['export', 'csv', '--url', url], 'BAD_REQUEST'],
    [['export', 'fsma204'], 'BAD_REQUEST'],
  ] as const) {
    const result = await run([...args])
    t.equal(result.code, 2, args.join(' '))
    t.match(result.stderr, new RegExp(`^tracechain export: ${code}: `), args.join(' '))
  }
})

t.test('epcis import: signs, batches, summarises; a repeat is already there; refusals exit 1', async (t) => {
  const { url, dir } = await startNode(t)
  const key = await registerActor(t, url, dir, 'importer')
  const issuedAt = '2026-06-01T00:00:00.000Z'
  const first = await run(['epcis', 'import', GS1_EXAMPLE, '--key', key, '--actor', 'importer', '--url', url, '--issued-at', issuedAt])
  t.equal(first.code, 0, first.stdout + first.stderr)
  t.match(first.stdout, /^epcis import: 2 events signed by importer \(issuedAt 2026-06-01T00:00:00\.000Z\): 2 appended, 0 already there, 0 refused\n$/)
  const found = await (await fetch(`${url}/v1/events?MATCH_anyEPC=urn:epc:id:sgtin:0614141.107346.2018`)).json()
  t.equal(found.epcisBody.queryResults.resultsBody.eventList.length, 2, 'both events are queryable')

  const again = await run(['epcis', 'import', GS1_EXAMPLE, '--key', key, '--actor', 'importer', '--url', url, '--issued-at', issuedAt])
  t.equal(again.code, 0)
  t.match(again.stdout, /: 0 appended, 2 already there, 0 refused\n$/)

  const resigned = await run(['epcis', 'import', GS1_EXAMPLE, '--key', key, '--actor', 'importer', '--url', url])
  t.equal(resigned.code, 1, 'signed now, so other bytes under the same ids')
  t.match(resigned.stdout, /refused: event 1 \(ni:\/\/\/sha-256;[0-9a-f]+\?ver=CBV2\.0\): STATEMENT_ID_CONFLICT: /)
  t.match(resigned.stdout, /0 appended, 0 already there, 2 refused \(STATEMENT_ID_CONFLICT 2\)/)

  const mixed = join(dir, 'mixed.jsonld')
  writeFileSync(mixed, documentOf([observe(1), observe(2, { epcList: ['https://id.gs1.org/01/06901234001038/21/1'] })]))
  const partly = await run(['epcis', 'import', mixed, '--key', key, '--actor', 'importer', '--url', url])
  t.equal(partly.code, 1)
  t.match(partly.stdout, /refused: event 2 \(urn:uuid:00000000-0000-4000-8000-000000000002\): CHECK_DIGIT_INVALID: /)
  t.match(partly.stdout, /1 appended, 0 already there, 1 refused \(CHECK_DIGIT_INVALID 1\)/)

  // A farm with registered locations may record events only there.
  const elsewhere = join(dir, 'elsewhere.jsonld')
  writeFileSync(elsewhere, documentOf([observe(3, { readPoint: { id: 'urn:epc:id:sgln:6901234.00003.0' } })]))
  const farm = await run(['epcis', 'import', elsewhere, '--key', DEMO_FARM_KEY, '--actor', 'farm-anji-01', '--url', url])
  t.equal(farm.code, 1)
  t.match(farm.stdout, /LOCATION_NOT_ALLOWED 1/)

  const fromStdin = await run(['epcis', 'import', '-', '--key', key, '--actor', 'importer', '--url', url], { input: documentOf([observe(4)]) })
  t.equal(fromStdin.code, 0, fromStdin.stdout)
  t.match(fromStdin.stdout, /1 appended/)

  for (const [args, code, input] of [
    [['epcis', 'import', '-', '--key', key, '--actor', 'importer', '--url', url], 'INVALID_JSON', '{"type":'],
    [['epcis', 'import', '-', '--key', key, '--actor', 'importer', '--url', url], 'EPCIS_INVALID', '{"type":"EPCISDocument"}'],
    [['epcis', 'import', GS1_EXAMPLE, '--actor', 'importer', '--url', url], 'BAD_REQUEST', ''],
    [['epcis', 'export', GS1_EXAMPLE, '--key', key, '--actor', 'importer', '--url', url], 'BAD_REQUEST', ''],
    [['epcis', 'import', GS1_EXAMPLE, '--key', key, '--actor', 'importer', '--url', url, '--issued-at', '2099-01-01T00:00:00.000Z'], null, ''],
  ] as const) {
    const result = await run([...args], { input })
    if (code === null) {
      t.equal(result.code, 1, 'issued in the future: each event refused')
      t.match(result.stdout, /ISSUED_IN_FUTURE 2/)
      continue
    }
    t.equal(result.code, 2, `${args.join(' ')} ${result.stdout}`)
    t.match(result.stderr, new RegExp(`^tracechain epcis: ${code}: `), args.join(' '))
  }
})

t.test('epcis import: more events than one batch', async (t) => {
  const { url, dir } = await startNode(t)
  const key = await registerActor(t, url, dir, 'bulk')
  const big = join(dir, 'big.jsonld')
  writeFileSync(big, documentOf(Array.from({ length: 1500 }, (_, i) => observe(1000 + i))))
  const started = Date.now()
  const result = await run(['epcis', 'import', big, '--key', key, '--actor', 'bulk', '--url', url])
  t.equal(result.code, 0, result.stdout + result.stderr)
  t.match(result.stdout, /1500 events signed by bulk .*: 1500 appended, 0 already there, 0 refused/)
  t.comment(`1500 events imported in ${Date.now() - started} ms`)
  const health = await (await fetch(`${url}/healthz`)).json()
  t.ok(health.size >= 1500)
})

t.test('epcis import and epcis hash take EPCIS 2.0 and 1.2 XML, told by its first character or a .xml name', async (t) => {
  const { url, dir } = await startNode(t)
  const key = await registerActor(t, url, dir, 'legacy-erp')
  const issuedAt = '2026-06-01T00:00:00.000Z'
  const importing = (file: string, input?: string) => run(['epcis', 'import', file, '--key', key, '--actor', 'legacy-erp', '--url', url, '--issued-at', issuedAt], input === undefined ? {} : { input })
  const xml20 = join(ROOT, 'test/fixtures/epcis-xml/2.0/Example_9.6.1-ObjectEvent.xml')
  const xml12 = join(ROOT, 'test/fixtures/epcis-xml/1.2/Example_9.6.1-ObjectEvent.xml')
  const first = await importing(xml20)
  t.equal(first.code, 0, first.stdout + first.stderr)
  t.match(first.stdout, /2 events signed by legacy-erp .*: 2 appended, 0 already there, 0 refused/)
  for (const [name, file, input] of [['1.2 XML', xml12], ['the JSON-LD original', GS1_EXAMPLE], ['XML on stdin', '-', readFileSync(xml12, 'utf8')]] as const) {
    const again = await importing(file, input)
    t.equal(again.code, 0, `${name}: ${again.stdout}`)
    t.match(again.stdout, /: 0 appended, 2 already there, 0 refused/, `${name}: the same signed statements`)
  }

  const fromJson = await run(['epcis', 'hash', GS1_EXAMPLE])
  for (const [name, args, input] of [['2.0', [xml20]], ['1.2', [xml12]], ['stdin', ['-'], readFileSync(xml20, 'utf8')]] as const) {
    const hashed = await run(['epcis', 'hash', ...args], input === undefined ? {} : { input })
    t.equal(hashed.code, 0, hashed.stderr)
    t.equal(hashed.stdout, fromJson.stdout, `${name}: the hash IDs of the JSON-LD original`)
  }

  const refusals = [
    ['doctype.xml', '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', 'BAD_REQUEST'],
    ['feed.xml', '<rss version="2.0"/>', 'EPCIS_INVALID'],
    ['json-named.xml', readFileSync(GS1_EXAMPLE, 'utf8'), 'BAD_REQUEST'],
    ['deep.json', readFileSync(GS1_EXAMPLE, 'utf8').replace(/^\{/, `{"ext:deep":${'['.repeat(100_000)}${']'.repeat(100_000)},`), 'INVALID_JSON'],
  ]
  for (const [name, text, code] of refusals) {
    writeFileSync(join(dir, name), text)
    const result = await importing(join(dir, name))
    t.equal(result.code, 2, `${name}: ${result.stdout}`)
    t.match(result.stderr, new RegExp(`^tracechain epcis: ${code}: `), name)
    t.notMatch(result.stderr, /\n\s+at /, `${name}: no stack`)
    if (name === 'deep.json') {
      const hashed = await run(['epcis', 'hash', join(dir, name)])
      t.match(hashed.stderr, /^tracechain epcis: INVALID_JSON: the document nests arrays and objects deeper than 64\n$/, 'epcis hash too')
    }
  }
})
