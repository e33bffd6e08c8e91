// EPC pure-identity patterns (urn:epc:idpat:…, EPC Tag Data Standard section 8) as MATCH_* values take
// them: each becomes prefixes of the by-object index's keys (identifierKey) and a test on a key, so a
// pattern is matched through the index, not by key equality.

import { fail } from '../core/errors.js'
import { gs1CheckDigit } from './identifiers.js'

export interface KeyPattern {
  /** the pattern as given */
  text: string
  /** index key prefixes that hold every key the pattern matches */
  prefixes: string[]
  /** whether an object key (identifierKey) matches */
  test: (key: string) => boolean
}

const DIGITS = /^\d+$/
const INDICATORS = [...'0123456789']

/** Whether `text` is an EPC pattern URN, which parsePattern reads. */
export function isEpcPattern(text: string): boolean {
  return /^urn:epc:idpat:/i.test(text)
}

/**
 * An EPC pattern: sgtin (CP.IR.*, CP.*.*, *.*.*), sscc (CP.*, *.*), sgln (CP.LR.*, CP.*.*, *.*.*),
 * giai (CP.*, *.*) and grai (CP.AT.*, CP.*.*, *.*.*), over the Digital Link path keys of GIAIs and GRAIs
 * in either spelling. An SGTIN pattern names a GTIN or a company's GTINs:
 * it matches their instances, lots (LGTIN) and the GTIN as a class alike. Throws IDENTIFIER_INVALID.
 */
export function parsePattern(text: string): KeyPattern {
  const match = /^urn:epc:idpat:([a-z]+):(.+)$/i.exec(text)
  const scheme = match?.[1]?.toLowerCase()
  const fields = match?.[2]?.split('.') ?? []
  const invalid = (why: string): never => fail('IDENTIFIER_INVALID', `${text} is not an EPC pattern: ${why}`, { identifier: text })
  const [cp = '', second = '', third] = fields
  const wild = (i: number) => fields.slice(i).every((f) => f === '*')
  if (cp !== '*' && (!DIGITS.test(cp) || cp.length < 6 || cp.length > 12)) invalid('the company prefix is 6 to 12 digits or *')
  const gs1Key = (digits: string) => digits + String(gs1CheckDigit(digits))
  const under = (base: string) => (key: string) => key === base || key.startsWith(`${base}/`)
  const anyCompany = (space: string, length: number) => (key: string) => new RegExp(`^${space}/\\d{${length}}(/|$)`).test(key)

  if (scheme === 'sgtin' && fields.length === 3 && wild(2)) {
    if (cp === '*') return wild(0) ? { text, prefixes: ['01/'], test: anyCompany('01', 14) } : invalid('* for the company prefix makes the rest *')
    if (second === '*') {
      return { text, prefixes: INDICATORS.map((d) => `01/${d}${cp}`), test: (key) => anyCompany('01', 14)(key) && key.slice(4, 4 + cp.length) === cp }
    }
    if (!DIGITS.test(second) || cp.length + second.length !== 13) invalid('company prefix and item reference are 13 digits together')
    const base = `01/${gs1Key(`${second[0]}${cp}${second.slice(1)}`)}`
    return { text, prefixes: [base], test: under(base) }
  }
  if (scheme === 'sscc' && fields.length === 2 && wild(1)) {
    if (cp === '*') return { text, prefixes: ['00/'], test: anyCompany('00', 18) }
    return { text, prefixes: INDICATORS.map((d) => `00/${d}${cp}`), test: (key) => anyCompany('00', 18)(key) && key.slice(4, 4 + cp.length) === cp }
  }
  if (scheme === 'sgln' && fields.length === 3 && wild(2)) {
    if (cp === '*') return wild(0) ? { text, prefixes: ['414/'], test: anyCompany('414', 13) } : invalid('* for the company prefix makes the rest *')
    if (second === '*') return { text, prefixes: [`414/${cp}`], test: (key) => anyCompany('414', 13)(key) && key.startsWith(`414/${cp}`) }
    if (!DIGITS.test(second) || cp.length + second.length !== 12) invalid('company prefix and location reference are 12 digits together')
    const base = `414/${gs1Key(cp + second)}`
    return { text, prefixes: [base], test: under(base) }
  }
  // GIAI and GRAI keys are their Digital Link paths (identifiers.ts): "8004/<company prefix><asset reference>"
  // and "8003/0<company prefix><asset type><check digit><serial>". A GRAI's first 14 digits are fixed, so its
  // class is an exact prefix. A company prefix is followed by no separator, yet a prefix scan on it is exact
  // too: GS1 allocates company prefixes prefix-free (no prefix is the start of another), so every key that
  // starts with this prefix's digits belongs to this company.
  if ((scheme === 'giai' && fields.length === 2 && wild(1)) || (scheme === 'grai' && fields.length === 3 && wild(2))) {
    const space = scheme === 'giai' ? '8004/' : '8003/'
    const starts = (prefix: string): KeyPattern => ({ text, prefixes: [prefix], test: (key) => key.startsWith(prefix) })
    if (cp === '*') return wild(0) ? starts(space) : invalid('* for the company prefix makes the rest *')
    if (scheme === 'giai') return starts(`${space}${cp}`)
    if (second === '*') return starts(`${space}0${cp}`)
    if (!DIGITS.test(second) || cp.length + second.length !== 12) invalid('company prefix and asset type are 12 digits together')
    return starts(`${space}${gs1Key(`0${cp}${second}`)}`)
  }
  return invalid(`${scheme ?? 'its scheme'} with ${fields.length} fields is not a pattern this node matches (sgtin, sscc, sgln, giai, grai; * only at the end)`)
}
