// The console's forms (core/statement-form.ts, food/ and seal/action-forms.ts) build the statement the CLI
// signs for the same input: the envelope the page would post is byte for byte `tracechain sign`'s, with
// the same demo key (Ed25519 signatures are deterministic). Bad values fail with BAD_REQUEST naming the field.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { fromUtf8, toHex } from '../../src/core/bytes.js'
import { pae, previewStatement, signPreviewedStatement } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { sha256 } from '../../src/core/hash.js'
import { parseKeyFile } from '../../src/core/keys.js'
import { STATEMENT_PAYLOAD_TYPE } from '../../src/core/statement.js'
import { buildFormStatement, STATEMENT_ID_FIELD, type ActionForm, type FormValues } from '../../src/core/statement-form.js'
import { FOOD_ACTION_FORMS } from '../../src/food/action-forms.js'
import { SEAL_ACTION_FORMS } from '../../src/seal/action-forms.js'
import { ROOT, runCli } from '../helpers/node-process.js'

const ISSUED_AT = '2026-12-02T02:30:00.000Z'
const forms = new Map([...FOOD_ACTION_FORMS, ...SEAL_ACTION_FORMS].map((form) => [form.action, form]))
const form = (action: string) => forms.get(action) as ActionForm
const keyPath = (actor: string) => join(ROOT, 'keys/demo', `${actor}.json`)
const signerOf = (actor: string) => parseKeyFile(JSON.parse(readFileSync(keyPath(actor), 'utf8')), nodeEd25519)

const CASES: { action: string; actor: string; values: FormValues; body: Record<string, unknown>; id: string }[] = [
  {
    action: 'recall',
    actor: 'regulator-hz',
    values: { ids: ' https://id.gs1.org/01/06901234001037/10/Z260526A \n\nhttps://id.gs1.org/01/06901234001037/10/Z260526A\nurn:epc:class:lgtin:6901234.000103.Z260526C', reason: '抽检不合格 / Failed', severity: 'class-ii' },
    body: { ids: ['https://id.gs1.org/01/06901234001037/10/Z260526A', 'urn:epc:class:lgtin:6901234.000103.Z260526C'], reason: '抽检不合格 / Failed', severity: 'class-ii' },
    id: 'recall-20261202T023000Z',
  },
  {
    action: 'inspection',
    actor: 'regulator-hz',
    values: { lot: 'https://id.gs1.org/01/06901234001037/10/Z260526A', sampleId: 'HZ-S-9', method: 'GB 31658.17-2021', outcome: 'fail', analyte: '恩诺沙星', value: '132.5', unit: 'µg/kg', limit: '100', certificateName: 'HZ-9.pdf', certificateSha256: 'AB'.repeat(32), inspectedAt: '2026-12-02T09:15' },
    body: {
      lot: 'https://id.gs1.org/01/06901234001037/10/Z260526A',
      sampleId: 'HZ-S-9',
      method: 'GB 31658.17-2021',
      result: { outcome: 'fail', measurements: [{ analyte: '恩诺沙星', value: 132.5, unit: 'µg/kg', limit: 100 }] },
      certificate: { name: 'HZ-9.pdf', sha256: 'ab'.repeat(32) },
      inspectedAt: '2026-12-02T09:15:00+08:00',
    },
    id: 'inspection-HZ-S-9-20261202T023000Z',
  },
  {
    action: 'apply',
    actor: 'yiqiao-secretary',
    values: { sealId: 'yiqiao-committee-seal', applicationId: 'YQ-2026-090', title: '村道修缮合同', purpose: '与施工方签订', documentName: 'road.pdf', documentSha256: 'c'.repeat(64), copies: '3', amount: '98000', budget: '', dueDate: '2027-01-31' },
    body: { applicationId: 'YQ-2026-090', sealId: 'yiqiao-committee-seal', title: '村道修缮合同', purpose: '与施工方签订', document: { name: 'road.pdf', sha256: 'c'.repeat(64) }, copies: 3, amount: 98000, dueDate: '2027-01-31' },
    id: 'YQ-2026-090-apply',
  },
  {
    action: 'approve',
    actor: 'yiqiao-director',
    values: { applicationId: 'YQ-2026-090', decision: 'seal.approve', comment: '同意' },
    body: { applicationId: 'YQ-2026-090', comment: '同意' },
    id: 'YQ-2026-090-approve',
  },
  {
    action: 'revoke',
    actor: 'regulator-hz',
    values: { sealId: 'yiqiao-committee-seal', reason: '公章遗失', [STATEMENT_ID_FIELD]: 'revoke-lost-seal' },
    body: { sealId: 'yiqiao-committee-seal', reason: '公章遗失' },
    id: 'revoke-lost-seal',
  },
]

t.test("each form's statement is the CLI's, byte for byte", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tracechain-forms-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const { action, actor, values, body, id } of CASES) {
    const statement = buildFormStatement(form(action), values, actor, ISSUED_AT)
    t.same(statement.body, body, `${action}: the body`)
    t.equal(statement.id, id, `${action}: the id`)
    const preview = previewStatement(statement)
    t.equal(preview.json, fromUtf8(preview.payload))
    t.equal(preview.paeSha256, toHex(sha256(pae(STATEMENT_PAYLOAD_TYPE, preview.payload))), `${action}: the digest shown is the PAE's`)
    const envelope = signPreviewedStatement(preview, [signerOf(actor)])
    const bodyFile = join(dir, `${action}.json`)
    writeFileSync(bodyFile, JSON.stringify(body, null, 2))
    const cli = await runCli(['sign', '--key', keyPath(actor), '--type', statement.type, '--actor', actor, '--id', id, '--body', bodyFile, '--issued-at', ISSUED_AT])
    t.equal(cli.code, 0, cli.stderr)
    t.equal(JSON.stringify(envelope), cli.stdout.trim(), `${action}: the same envelope as tracechain sign`)
  }
})

t.test('a rejection signs seal.reject; the type follows the choice', async (t) => {
  const statement = buildFormStatement(form('approve'), { applicationId: 'YQ-1', decision: 'seal.reject' }, 'yiqiao-deputy', ISSUED_AT)
  t.equal(statement.type, 'seal.reject')
  t.equal(statement.id, 'YQ-1-reject')
  t.same(statement.body, { applicationId: 'YQ-1' })
})

t.test('bad values fail with BAD_REQUEST naming the field', async (t) => {
  const bad: [string, FormValues, string][] = [
    ['recall', { ids: '', reason: 'x', severity: 'class-i' }, 'ids'],
    ['recall', { ids: 'Z260526A', reason: 'x', severity: 'class-i' }, 'ids'],
    ['recall', { ids: 'urn:x', reason: ' ', severity: 'class-i' }, 'reason'],
    ['recall', { ids: 'urn:x', reason: 'x', severity: 'class-iv' }, 'severity'],
    ['recall', { ids: Array.from({ length: 257 }, (_, i) => `urn:${i}`).join('\n'), reason: 'x', severity: 'class-i' }, 'ids'],
    ['inspection', { ...CASES[1].values, certificateSha256: 'abc' }, 'certificateSha256'],
    ['inspection', { ...CASES[1].values, inspectedAt: '2026-13-45T99:00' }, 'inspectedAt'],
    ['inspection', { ...CASES[1].values, value: 'lots' }, 'value'],
    ['inspection', { ...CASES[1].values, value: '' }, 'value'],
    ['inspection', { ...CASES[1].values, outcome: 'maybe' }, 'outcome'],
    ['apply', { ...CASES[2].values, copies: '0' }, 'copies'],
    ['apply', { ...CASES[2].values, copies: '1.5' }, 'copies'],
    ['apply', { ...CASES[2].values, amount: '-1' }, 'amount'],
    ['apply', { ...CASES[2].values, dueDate: '2027-02-30' }, 'dueDate'],
    ['apply', { ...CASES[2].values, applicationId: 'has space' }, 'applicationId'],
    ['apply', { ...CASES[2].values, title: 'x'.repeat(201) }, 'title'],
    ['approve', { applicationId: 'YQ-1', decision: 'seal.use' }, 'decision'],
    ['revoke', { sealId: 'yiqiao-committee-seal' }, 'reason'],
  ]
  for (const [action, values, field] of bad) {
    t.throws(() => buildFormStatement(form(action), values, 'regulator-hz', ISSUED_AT), { code: 'BAD_REQUEST', details: { field } }, `${action}: ${field}`)
  }
  t.throws(() => previewStatement({ ...buildFormStatement(form('revoke'), CASES[4].values, 'regulator-hz', ISSUED_AT), id: '\u0007' }), { code: 'BAD_REQUEST' }, 'the statement is checked as the node checks it')
})

t.test("field names are unique, and none is the page's statement id field", async (t) => {
  for (const action of forms.keys()) {
    const names = form(action).fields.map((f) => f.name)
    t.equal(new Set(names).size, names.length, `${action}: field names are unique`)
    t.notOk(names.includes(STATEMENT_ID_FIELD), `${action}: the statement id field is the page's own`)
  }
})
