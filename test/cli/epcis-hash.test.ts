// `tracechain epcis hash`: each event's CBV 2.0 hash ID or pre-hash string, one a line, as GS1's reference
// generator prints them (its .hashes and .prehashes files); one event alone too; refusals with codes.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCli } from '../helpers/node-process.js'

const EXAMPLES = 'test/fixtures/epcis-event-hash/tests/examples/'
const fixture = (path: string) => readFileSync(new URL(`../fixtures/epcis-event-hash/${path}`, import.meta.url), 'utf8')

t.test('a document: its events’ hash IDs, or their pre-hash strings, in document order', async (t) => {
  const hashes = await runCli(['epcis', 'hash', `${EXAMPLES}epcisDocWithVariousEventTypes.jsonld`])
  t.equal(hashes.code, 0, hashes.stderr)
  t.equal(hashes.stdout, fixture('tests/examples/epcisDocWithVariousEventTypes.hashes'))
  const preHashes = await runCli(['epcis', 'hash', '--prehash', `${EXAMPLES}epcisQueryDocument.jsonld`])
  t.equal(preHashes.stdout, fixture('prehashes-regenerated/epcisQueryDocument.prehashes'))
})

t.test('one event from stdin, with its own @context', async (t) => {
  const document = JSON.parse(fixture('tests/examples/ralfsChaosExample.jsonld'))
  const event = { '@context': document['@context'], ...document.epcisBody.eventList[0] }
  const run = await runCli(['epcis', 'hash', '-'], { input: JSON.stringify(event) })
  t.equal(run.code, 0, run.stderr)
  t.equal(run.stdout, fixture('tests/examples/ralfsChaosExample.hashes'))
})

t.test('what is no EPCIS is refused with its code', async (t) => {
  for (const [input, code] of [['{not json', 'INVALID_JSON'], ['[1,2]', 'EPCIS_INVALID'], ['{"epcisBody":{}}', 'EPCIS_INVALID']]) {
    const run = await runCli(['epcis', 'hash', '-'], { input })
    t.not(run.code, 0, input)
    t.match(run.stderr, code, input)
  }
  const usage = await runCli(['epcis', 'digest', 'x.json'])
  t.match(usage.stderr, /BAD_REQUEST: usage: tracechain epcis import .*epcis hash DOC/)
})
