// CBV 2.0 vocabularies: every spelling of a CBV value reads as its bare name; extension URIs pass through;
// the lists equal the enums of GS1's EPCIS 2.0 JSON schema as shipped in schemas/gs1-epcis.

import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  BIZ_STEPS,
  BIZ_TRANSACTION_TYPES,
  DISPOSITIONS,
  ERROR_REASONS,
  SOURCE_DEST_TYPES,
  cbvValuesNotInVocabulary,
  isInCbvNamespace,
  normaliseBizStep,
  normaliseBizTransactionType,
  normaliseDisposition,
  normaliseErrorReason,
  normaliseEventVocabulary,
  normaliseSourceDestType,
} from '../../src/food/cbv.js'
import { EPCIS_SCHEMA_FILE } from '../../src/food/epcis-schema.js'

const definitions = (JSON.parse(readFileSync(EPCIS_SCHEMA_FILE, 'utf8')) as { definitions: Record<string, { anyOf: { enum?: string[] }[] }> }).definitions
const schemaEnum = (name: string) => definitions[name].anyOf.find((branch) => branch.enum)?.enum

t.test('the lists are GS1 schema enums', async (t) => {
  t.same([...BIZ_STEPS], schemaEnum('bizStep'))
  t.same([...DISPOSITIONS], schemaEnum('disposition'))
  t.same([...BIZ_TRANSACTION_TYPES], schemaEnum('bizTransaction-type'))
  t.same([...SOURCE_DEST_TYPES], schemaEnum('source-dest-type'))
  t.same([...ERROR_REASONS], schemaEnum('error-reason'))
  t.equal(BIZ_STEPS.length, 41)
  t.equal(DISPOSITIONS.length, 33)
})

const VOCABULARIES: [string, readonly string[], (v: string) => string, string, string][] = [
  ['bizStep', BIZ_STEPS, normaliseBizStep, 'urn:epcglobal:cbv:bizstep:', 'BizStep-'],
  ['disposition', DISPOSITIONS, normaliseDisposition, 'urn:epcglobal:cbv:disp:', 'Disp-'],
  ['bizTransaction type', BIZ_TRANSACTION_TYPES, normaliseBizTransactionType, 'urn:epcglobal:cbv:btt:', 'BTT-'],
  ['source/destination type', SOURCE_DEST_TYPES, normaliseSourceDestType, 'urn:epcglobal:cbv:sdt:', 'SDT-'],
  ['error reason', ERROR_REASONS, normaliseErrorReason, 'urn:epcglobal:cbv:er:', 'ER-'],
]

t.test('bare names, URNs, Web URIs and CURIEs all read as the bare name', async (t) => {
  for (const [what, names, normalise, urn, term] of VOCABULARIES) {
    for (const name of names) {
      for (const spelling of [name, urn + name, urn.toUpperCase() + name, `https://ref.gs1.org/cbv/${term}${name}`, `http://ref.gs1.org/cbv/${term}${name}`, `cbv:${term}${name}`]) {
        if (normalise(spelling) !== name) t.fail(`${what}: ${spelling} -> ${normalise(spelling)}`)
      }
    }
    t.pass(`${what}: ${names.length} values in six spellings`)
  }
  t.equal(normaliseBizStep('urn:epcglobal:cbv:bizstep:shipping'), 'shipping')
  t.equal(normaliseBizStep('https://ref.gs1.org/cbv/BizStep-shipping'), 'shipping')
  t.equal(normaliseDisposition('urn:epcglobal:cbv:disp:in_transit'), 'in_transit')
})

t.test('extension values and values of another vocabulary are returned unchanged', async (t) => {
  for (const value of ['http://epcis.example.org/hc/bizstep/summarising_discharge', 'urn:gs1:epcisapp:rail:btt:passage', 'example:Abc', 'Shipping', 'shipping ']) {
    t.equal(normaliseBizStep(value), value, value)
    t.equal(normaliseBizTransactionType(value), value, value)
  }
  // a value spelt for one vocabulary is not a value of another
  t.equal(normaliseDisposition('urn:epcglobal:cbv:bizstep:shipping'), 'urn:epcglobal:cbv:bizstep:shipping')
  t.equal(normaliseBizStep('https://ref.gs1.org/cbv/Disp-in_transit'), 'https://ref.gs1.org/cbv/Disp-in_transit')
  t.equal(normaliseBizStep('in_transit'), 'in_transit', 'a bare name of another vocabulary stays as it is for the schema to refuse')
  // names are case-sensitive
  t.equal(normaliseBizStep('https://ref.gs1.org/cbv/bizstep-shipping'), 'https://ref.gs1.org/cbv/bizstep-shipping')
  t.equal(normaliseBizStep('urn:epcglobal:cbv:bizstep:frobbing'), 'urn:epcglobal:cbv:bizstep:frobbing')
})

t.test('whole events', async (t) => {
  const event = {
    type: 'ObjectEvent',
    bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
    disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
    persistentDisposition: { set: ['urn:epcglobal:cbv:disp:completeness_verified'], unset: ['cbv:Disp-completeness_inferred'] },
    bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1152' }, { bizTransaction: 'urn:x:1' }],
    sourceList: [{ type: 'https://ref.gs1.org/cbv/SDT-possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', destination: 'urn:epc:id:pgln:0614141.00001' }],
    errorDeclaration: { declarationTime: '2020-01-15T00:00:00.000+01:00', reason: 'urn:epcglobal:cbv:er:incorrect_data' },
  }
  const before = JSON.stringify(event)
  const normalised = normaliseEventVocabulary(event)
  t.equal(JSON.stringify(event), before, 'the argument is not modified')
  t.same(normalised, {
    type: 'ObjectEvent',
    bizStep: 'shipping',
    disposition: 'in_transit',
    persistentDisposition: { set: ['completeness_verified'], unset: ['completeness_inferred'] },
    bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1152' }, { bizTransaction: 'urn:x:1' }],
    sourceList: [{ type: 'possessing_party', source: 'urn:epc:id:pgln:0614141.00000' }],
    destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:0614141.00001' }],
    errorDeclaration: { declarationTime: '2020-01-15T00:00:00.000+01:00', reason: 'incorrect_data' },
  })
  t.same(cbvValuesNotInVocabulary(normalised), [])
  // shapes the schema will refuse are left alone
  t.same(normaliseEventVocabulary({ bizStep: 5, sourceList: 'x', persistentDisposition: [] }), { bizStep: 5, sourceList: 'x', persistentDisposition: [] })
  t.equal(normaliseEventVocabulary('x'), 'x')
  t.equal(normaliseEventVocabulary(null), null)
})

t.test('values in a CBV namespace that are not CBV values', async (t) => {
  t.ok(isInCbvNamespace('urn:epcglobal:cbv:bizstep:frobbing'))
  t.ok(isInCbvNamespace('https://ref.gs1.org/cbv/BizStep-shiping'))
  t.ok(isInCbvNamespace('cbv:Disp-lost'))
  t.notOk(isInCbvNamespace('https://ref.gs1.org/epcis/ObjectEvent'))
  t.notOk(isInCbvNamespace('http://epcis.example.org/hc/bizstep/x'))
  t.notOk(isInCbvNamespace(undefined))
  const event = normaliseEventVocabulary({
    bizStep: 'https://ref.gs1.org/cbv/BizStep-shiping',
    persistentDisposition: { set: ['in_transit', 'urn:epcglobal:cbv:disp:lost'] },
    bizTransactionList: [{ type: 'cbv:BTT-invoice', bizTransaction: 'urn:x:1' }],
    errorDeclaration: { declarationTime: '2020-01-15T00:00:00.000+01:00', reason: 'urn:epcglobal:cbv:er:typo' },
  })
  t.same(cbvValuesNotInVocabulary(event), ['/bizStep', '/persistentDisposition/set/1', '/bizTransactionList/0/type', '/errorDeclaration/reason'])
})
