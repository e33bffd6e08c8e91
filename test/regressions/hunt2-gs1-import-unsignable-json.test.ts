// `tracechain epcis import` of a document holding what JSON.parse reads but RFC 8785 cannot write (a number
// beyond a double, a lone surrogate) crashed with a raw TypeError and its stack, where POST /capture refuses the
// same document with INVALID_JSON. Now the CLI refuses it the same way, before it signs or sends anything.

import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { EPCIS_CONTEXT } from '../helpers/capture-app.js'

const FARM_KEY = join(ROOT, 'keys/demo/farm-anji-01.json')

function document(quantity: string, extra = ''): string {
  return `{"@context":["${EPCIS_CONTEXT}",{"ex":"https://ns.example.com/ex/"}],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-06-03T09:00:00.000+08:00","epcisBody":{"eventList":[{"type":"ObjectEvent","eventID":"urn:uuid:1d4e2f60-8c1b-4a7e-9a51-000000000901","eventTime":"2026-06-03T08:00:00.000+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000122.R2606A","quantity":${quantity},"uom":"KGM"}]${extra}}]}}`
}

t.test('epcis import refuses a document no statement can carry with INVALID_JSON, not a TypeError', async (t) => {
  const dir = testDir(t)
  // No node listens here: the document is refused before anything is sent.
  const url = 'http://127.0.0.1:9'
  for (const [name, text] of [
    ['a number beyond a double', document('1e400')],
    ['a lone surrogate', document('5', ',"ex:note":"\\ud800"')],
  ]) {
    const file = join(dir, `${name.replace(/ /g, '-')}.json`)
    writeFileSync(file, text)
    const run = await runCli(['epcis', 'import', file, '--key', FARM_KEY, '--actor', 'farm-anji-01', '--url', url])
    t.not(run.code, 0, `${name}: fails`)
    t.match(run.stderr, /INVALID_JSON/, `${name}: with the code`)
    t.notMatch(run.stderr, /TypeError|\n\s+at /, `${name}: and no stack`)
  }
})
