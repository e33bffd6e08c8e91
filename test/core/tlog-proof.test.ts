// C2SP tlog-proof: the spec's example, the cases of transparency-dev/formats' proof/tlog_proof_test.go
// (Apache-2.0, commit 1a07eea5c85e02a7b2b69b7c1638f6c139184645) as data, and what this parser refuses beyond them.
import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import t from 'tap'
import { toBase64, utf8 } from '../../src/core/bytes.js'
import { formatTlogProof, MAX_TLOG_PROOF_HASHES, parseTlogProof, TLOG_PROOF_HEADER } from '../../src/core/tlog-proof.js'

const sha256 = (text: string) => new Uint8Array(createHash('sha256').update(text).digest())
const b64 = (text: string) => toBase64(sha256(text))

t.test("the spec's example proof parses: index, five hashes, and the cosigned checkpoint verbatim", async (t) => {
  const spec = readFileSync(new URL('../fixtures/c2sp/tlog-proof.md', import.meta.url), 'utf8')
  const example = /```\n(c2sp\.org\/tlog-proof@v1\n[\s\S]*?)```/.exec(spec)?.[1]
  if (!example) throw new Error('the spec example is missing')
  const parsed = parseTlogProof(example)
  t.equal(parsed.index, 73894)
  t.equal(parsed.proof.length, 5)
  t.equal(toBase64(parsed.proof[0]), 'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=')
  t.ok(parsed.extra && parsed.extra.length > 0, 'the extra line is read')
  t.ok(parsed.checkpoint.startsWith('example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n— example.com/fancylog '))
  t.equal(parsed.checkpoint.split('\n— ').length, 5, 'the log signature and three cosignatures, all kept')
})

t.test('formats as transparency-dev/formats marshals (TestMarshal)', async (t) => {
  t.equal(
    formatTlogProof({ index: 5, proof: [sha256('hash1'), sha256('hash2')], checkpoint: 'test checkpoint\n' }),
    `${TLOG_PROOF_HEADER}\nindex 5\n${b64('hash1')}\n${b64('hash2')}\n\ntest checkpoint\n`,
  )
  t.equal(
    formatTlogProof({ index: 10, proof: [sha256('hash1')], checkpoint: 'checkpoint data\n', extra: utf8('extra information') }),
    `${TLOG_PROOF_HEADER}\nextra ${toBase64(utf8('extra information'))}\nindex 10\n${b64('hash1')}\n\ncheckpoint data\n`,
  )
  t.equal(formatTlogProof({ index: 0, proof: [], checkpoint: 'checkpoint\n' }), `${TLOG_PROOF_HEADER}\nindex 0\n\ncheckpoint\n`)
})

t.test('round trips (TestRoundTrip)', async (t) => {
  for (const proof of [
    { index: 123, proof: [sha256('a'), sha256('b')], checkpoint: 'some checkpoint\n' },
    { index: 456, proof: [sha256('c')], checkpoint: 'another checkpoint\n', extra: utf8('some extra data') },
    { index: 789, proof: [], checkpoint: 'checkpoint\n' },
    { index: Number.MAX_SAFE_INTEGER, proof: [sha256('d')], checkpoint: 'o\n1\nr\n\n— o sig\n— w1 cosig\n' },
  ]) {
    t.same(parseTlogProof(formatTlogProof(proof)), proof)
  }
})

t.test('refuses what the spec does not allow, naming the check (TestUnmarshalErrors and more)', async (t) => {
  const h = b64('hash1')
  const cases: [string, string, string][] = [
    ['missing header', 'wrong-header\nindex 0\n\ncheckpoint\n', 'header'],
    ['invalid extra data encoding', `${TLOG_PROOF_HEADER}\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n`, 'extra'],
    ['missing index', `${TLOG_PROOF_HEADER}\n\n\ncheckpoint\n`, 'index'],
    ['index not a number', `${TLOG_PROOF_HEADER}\nindex notanumber\n\ncheckpoint\n`, 'index'],
    ['negative index', `${TLOG_PROOF_HEADER}\nindex -5\n\ncheckpoint\n`, 'index'],
    ['invalid hash base64', `${TLOG_PROOF_HEADER}\nindex 0\n!!notbase64!!\n\ncheckpoint\n`, 'hash'],
    ['64-byte hash', `${TLOG_PROOF_HEADER}\nindex 0\n${toBase64(new Uint8Array(64))}\n\ncheckpoint\n`, 'hash'],
    ['a long line', `${TLOG_PROOF_HEADER}\nindex 0\n${'a'.repeat(65 * 1024)}\n`, 'hash'],
    // Beyond the Go package: the spec's own words, and bounds.
    ['leading zeros', `${TLOG_PROOF_HEADER}\nindex 07\n\ncheckpoint\n`, 'index'],
    ['index past 2^53 - 1', `${TLOG_PROOF_HEADER}\nindex 9007199254740992\n\ncheckpoint\n`, 'index'],
    ['unpadded hash', `${TLOG_PROOF_HEADER}\nindex 0\n${h.slice(0, -1)}\n\ncheckpoint\n`, 'hash'],
    ['more hashes than a tree of 2^63 needs', `${TLOG_PROOF_HEADER}\nindex 0\n${`${h}\n`.repeat(MAX_TLOG_PROOF_HASHES + 1)}\ncheckpoint\n`, 'hash'],
    ['no empty line', `${TLOG_PROOF_HEADER}\nindex 0\n${h}\n`, 'checkpoint'],
    ['no checkpoint', `${TLOG_PROOF_HEADER}\nindex 0\n${h}\n\n`, 'checkpoint'],
    ['checkpoint without its final newline', `${TLOG_PROOF_HEADER}\nindex 0\n\ncheckpoint`, 'checkpoint'],
    ['CRLF lines', `${TLOG_PROOF_HEADER}\r\nindex 0\r\n\r\ncheckpoint\r\n`, 'header'],
  ]
  for (const [name, text, check] of cases) {
    t.throws(() => parseTlogProof(text), { code: 'PROOF_INVALID', details: { check } }, name)
  }
  t.throws(() => parseTlogProof(42 as unknown as string), { code: 'PROOF_INVALID' }, 'not text')
})

t.test('format refuses what it cannot write', async (t) => {
  t.throws(() => formatTlogProof({ index: -1, proof: [], checkpoint: 'c\n' }), RangeError)
  t.throws(() => formatTlogProof({ index: 0, proof: [new Uint8Array(31)], checkpoint: 'c\n' }), RangeError)
  t.throws(() => formatTlogProof({ index: 0, proof: [], checkpoint: 'c' }), RangeError)
})
