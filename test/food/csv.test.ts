// CSV writing (RFC 4180) on its own: quoting of commas, quotes and line breaks, non-ASCII text as is,
// formula-like text kept as text.

import t from 'tap'
import { UTF8_BOM, formatCsvRow } from '../../src/food/csv.js'

t.test('fields that need quoting', async (t) => {
  t.equal(formatCsvRow(['a,b']), '"a,b"\r\n')
  t.equal(formatCsvRow(['say "hi"']), '"say ""hi"""\r\n')
  t.equal(formatCsvRow(['"']), '""""\r\n')
  t.equal(formatCsvRow(['one\ntwo']), '"one\ntwo"\r\n')
  t.equal(formatCsvRow(['one\rtwo']), '"one\rtwo"\r\n')
  t.equal(formatCsvRow(['one\r\ntwo, "three"']), '"one\r\ntwo, ""three"""\r\n')
  t.equal(formatCsvRow([' padded ']), '" padded "\r\n', 'edge spaces are kept by quoting')
})

t.test('plain fields, numbers and non-ASCII text stay as they are', async (t) => {
  t.equal(formatCsvRow(['plain', 12.5, 0, -3, '']), 'plain,12.5,0,-3,\r\n')
  t.equal(formatCsvRow(['粽子 (Zongzi)', 'Ünïcödé', '🥟', '義橋村']), '粽子 (Zongzi),Ünïcödé,🥟,義橋村\r\n')
  t.equal(formatCsvRow(['粽子,肉']), '"粽子,肉"\r\n')
  t.equal(formatCsvRow([]), '\r\n')
  t.equal(UTF8_BOM, '\uFEFF')
})

t.test('text a spreadsheet would run as a formula is kept as text', async (t) => {
  for (const lead of ['=', '+', '-', '@', '\t', '\r']) t.equal(formatCsvRow([`${lead}1`]).startsWith(`'${lead}`) || formatCsvRow([`${lead}1`]).startsWith(`"'${lead}`), true, JSON.stringify(lead))
  t.equal(formatCsvRow(['=SUM(A1,A2)']), `"'=SUM(A1,A2)"\r\n`)
  t.equal(formatCsvRow([-1]), '-1\r\n', 'numbers are never prefixed')
})
