// The generated syntax table against the GS1 Barcode Syntax Dictionary it came from, and the linters the
// dictionary names (core/gs1-syntax.ts, core/gs1-linters.ts).

import { readFileSync } from 'node:fs'
import t from 'tap'
import { formatSyntaxTable, isKeyQualifierSequence, keyQualifierSequences, listedAis, lookupAi, parseSyntaxDictionary, syntaxDictionaryRelease, verifyAiValue } from '../../src/core/gs1-syntax.js'
import { assertKnownLinter } from '../../src/core/gs1-linters.js'

const dictionary = readFileSync(new URL('../fixtures/digital-link/gs1-syntax-engine/gs1-syntax-dictionary.txt', import.meta.url), 'utf8')
const table = readFileSync(new URL('../../src/core/gs1-syntax-table.ts', import.meta.url), 'utf8')

t.test('src/core/gs1-syntax-table.ts is what test/helpers/gs1-syntax-table.mjs makes of the dictionary', async (t) => {
  t.equal(syntaxDictionaryRelease(dictionary), '2026-01-27')
  t.equal(table, formatSyntaxTable(syntaxDictionaryRelease(dictionary), parseSyntaxDictionary(dictionary)), 'regenerate with: npm run build && node test/helpers/gs1-syntax-table.mjs')
})

t.test('every AI line of the dictionary is in the table, ranges expanded', async (t) => {
  const lines = dictionary.split('\n').filter((line) => /^\d/.test(line))
  t.equal(parseSyntaxDictionary(dictionary).length, lines.length)
  t.ok(lookupAi('3103') && lookupAi('3100') && lookupAi('3105') && !lookupAi('3106'), '3100-3105')
  t.ok(lookupAi('91') && lookupAi('99'), '91-99')
  t.ok(listedAis().length > 400)
  t.throws(() => parseSyntaxDictionary('0x  *  N18'), RangeError)
})

t.test('every linter the dictionary names is checked or listed as table-only', async (t) => {
  const linters = new Set(listedAis().flatMap((entry) => entry.components.flatMap((component) => component.linters)))
  for (const linter of linters) t.doesNotThrow(() => assertKnownLinter(linter), linter)
  t.throws(() => assertKnownLinter('nosuchlinter'), RangeError)
})

t.test('primary keys and their qualifier sequences', async (t) => {
  for (const key of ['00', '01', '253', '255', '401', '402', '414', '415', '417', '8003', '8004', '8006', '8010', '8013', '8017', '8018']) {
    t.ok(lookupAi(key)?.qualifierSequences, `${key} is a primary key`)
  }
  t.notOk(lookupAi('10')?.qualifierSequences, '10 is not')
  t.ok(isKeyQualifierSequence(['01', '22', '21']))
  t.ok(isKeyQualifierSequence(['01', '235']))
  t.notOk(isKeyQualifierSequence(['01', '10', '22']), 'out of order')
  t.notOk(isKeyQualifierSequence(['01', '22', '235']), 'alternatives do not mix')
  t.ok(isKeyQualifierSequence(['414', '7040']))
  t.same(keyQualifierSequences('01').map((s) => s.join(' ')), ['01', '01 10', '01 10 21', '01 21', '01 22', '01 22 10', '01 22 10 21', '01 22 21', '01 235'])
})

t.test('linters: check digits, check character pairs, dates, enumerations', async (t) => {
  const ok = (ai: string, value: string) => t.doesNotThrow(() => verifyAiValue(lookupAi(ai)!, value), `(${ai})${value}`)
  const bad = (ai: string, value: string, linter?: string) => {
    const error = t.throws(() => verifyAiValue(lookupAi(ai)!, value), `(${ai})${value} refused`) as { linter?: string }
    if (linter) t.equal(error.linter, linter)
  }
  ok('01', '09520123456788')
  bad('01', '09520123456789', 'csum')
  bad('01', '0952012345678', undefined)
  ok('8013', '1987654Ad4X4bL5ttr2310c2K')
  bad('8013', '1987654Ad4X4bL5ttr2310cXK', 'csumalpha')
  ok('17', '240229')
  bad('17', '230229', 'yymmd0')
  ok('17', '231200')
  bad('7006', '231200', 'yymmdd')
  bad('7003', '2312012460', 'hhmi')
  ok('8006', '095201234567880102')
  bad('8006', '095201234567880302', 'pieceoftotal')
  bad('8011', '0123', 'nozeroprefix')
  bad('8003', '14012345000771', 'zero')
  bad('4321', '2', 'yesno')
  bad('401', 'AB12345', 'gcppos1')
  bad('10', 'A B')
  bad('10', 'ABCDEFGHIJKLMNOPQRSTU')
  bad('8010', 'abc')
  ok('4330', '001234-')
  ok('4330', '001234')
})
