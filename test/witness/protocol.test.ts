// tlog-witness wire formats: the add-checkpoint body (the spec's example shape) and the 409 size body.
import t from 'tap'
import { fromBase64 } from '../../src/core/bytes.js'
import {
  formatAddCheckpointRequest,
  formatTreeSize,
  MAX_PROOF_LINES,
  parseAddCheckpointRequest,
  parseTreeSize,
} from '../../src/witness/protocol.js'

// c2sp.org/tlog-witness, the add-checkpoint example request body.
const SPEC_BODY = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`

t.test("the spec's example request parses and formats back byte for byte", async (t) => {
  const request = parseAddCheckpointRequest(SPEC_BODY)
  t.equal(request.oldSize, 20852014)
  t.equal(request.proof.length, 4)
  t.same(request.proof[0], fromBase64('PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw='))
  t.ok(request.checkpoint.startsWith('example.com/behind-the-sofa\n20852163\n'))
  t.equal(formatAddCheckpointRequest(request), SPEC_BODY)
  t.equal(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: 'c\n' }), 'old 0\n\nc\n')
  t.same(parseAddCheckpointRequest('old 0\n\nc\n'), { oldSize: 0, proof: [], checkpoint: 'c\n' })
})

t.test('formatting refuses what the protocol cannot carry', async (t) => {
  t.throws(() => formatAddCheckpointRequest({ oldSize: -1, proof: [], checkpoint: 'c\n' }), RangeError)
  t.throws(() => formatAddCheckpointRequest({ oldSize: 2 ** 53, proof: [], checkpoint: 'c\n' }), RangeError)
  t.throws(() => formatAddCheckpointRequest({ oldSize: 1, proof: [new Uint8Array(31)], checkpoint: 'c\n' }), RangeError)
  t.throws(() => formatAddCheckpointRequest({ oldSize: 1, proof: Array.from({ length: MAX_PROOF_LINES + 1 }, () => new Uint8Array(32)), checkpoint: 'c\n' }), RangeError)
})

t.test('the 409 body: "<size>\\n" exactly', async (t) => {
  t.equal(formatTreeSize(0), '0\n')
  t.equal(formatTreeSize(20852163), '20852163\n')
  t.equal(parseTreeSize('20852163\n'), 20852163)
  for (const bad of ['', '\n', '1', '01\n', '-1\n', '1 \n', '1\n\n', '9007199254740992\n', 'x\n']) t.equal(parseTreeSize(bad), undefined, JSON.stringify(bad))
  t.throws(() => formatTreeSize(-1), RangeError)
})
