// A checkpoint cut to the signature lines verified (servable-checkpoint.ts): what a mirror keeps of a note a copy
// sent. A real log key and real witness keys; each rule of what is kept, dropped or refused.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { concatBytes, toBase64 } from '../../src/core/bytes.js'
import { signCosignatureLine } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { verifyServableCheckpoint } from '../../src/core/servable-checkpoint.js'
import { parseSignedNote } from '../../src/core/signed-note.js'
import { TestLog, testCosigner } from '../helpers/witness.js'

const log = new TestLog('tracechain.test/servable').append(5, 'a')
const note = log.checkpoint(5)
const text = parseSignedNote(note).text
const [w1, w2] = [testCosigner('witness.test/w1'), testCosigner('witness.test/w2')]
const line = (cosigner: typeof w1, time = 1_780_000_000) => signCosignatureLine(cosigner, text, time)
const logLine = note.slice(text.length + 1)
const forged = (key: typeof w1.key) => `\u2014 ${key.name} ${toBase64(concatBytes(key.keyHash, new Uint8Array(8), new Uint8Array(randomBytes(64))))}\n`
const servable = (n: string, witnesses = [w1.key, w2.key]) => verifyServableCheckpoint(nodeEd25519, n, log.verifierKey, witnesses)

t.test('every line verified: the note comes back byte for byte', async (t) => {
  const cosigned = note + line(w1) + line(w2)
  const result = servable(cosigned)
  t.equal(result.note, cosigned)
  t.equal(result.checkpoint.size, 5)
  t.same(result.dropped, [])
})

t.test('lines under unknown keys, failing cosignatures and repeats are dropped, in order otherwise', async (t) => {
  const unknown = `\u2014 witness.test/nobody ${toBase64(new Uint8Array(randomBytes(76)))}\n`
  const short = `\u2014 ${w2.name} ${toBase64(concatBytes(w2.key.keyHash, new Uint8Array(20)))}\n`
  const result = servable(note + unknown + forged(w1.key) + short + line(w2) + line(w2, 1_780_000_001) + logLine)
  t.equal(result.note, note + line(w2))
  t.same(
    result.dropped.map((d) => `${d.name} ${d.reason}`),
    ['witness.test/nobody unknown', 'witness.test/w1 invalid', 'witness.test/w2 invalid', 'witness.test/w2 repeated', `${log.origin} repeated`],
  )
  t.equal(servable(note + line(w1) + line(w2), []).note, note, 'no witnesses given: the log’s signature alone')
  t.equal(servable(note + forged(w1.key), [w1.key]).note, note, 'a forged line is dropped, the note not refused')
})

t.test('the log’s signature must verify', async (t) => {
  t.throws(() => servable(`${text}\n${line(w1)}`), { code: 'NOTE_SIGNATURE_INVALID' }, 'no line by the log’s key')
  const other = new TestLog(log.origin, { keyLabel: 'another key' }).append(5, 'a')
  t.throws(() => verifyServableCheckpoint(nodeEd25519, other.checkpoint(5), log.verifierKey, []), { code: 'NOTE_SIGNATURE_INVALID' }, 'another key under the log’s name is unknown')
  const bad = logLine.replace(/.{4}\n$/, 'AAA=\n')
  t.throws(() => servable(`${text}\n${bad}`), { code: 'NOTE_SIGNATURE_INVALID' }, 'a failing line under the log’s key')
  t.throws(() => servable('not a note'), { code: 'NOTE_MALFORMED' })
})
