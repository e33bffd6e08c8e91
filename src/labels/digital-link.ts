// GS1 Digital Link URIs for labels (GS1 Digital Link URI Syntax 1.6: /01/{gtin}[/10/{lot}][/21/{serial}]
// on the node's public base, with the log's key id in the fragment) and the short trace code printed
// under the QR code.

import { utf8 } from '../core/bytes.js'
import { sha256 } from '../core/hash.js'
import { buildDigitalLink, gtinElements } from '../core/digital-link-path.js'
import { formatTrustFragment, isLogKeyId } from '../core/log-key-id.js'

/** What a label identifies: a GTIN (品类码), a lot (批次码) or an item (单品码). */
export interface LabelTarget {
  /** 14 digits, check digit already verified */
  gtin: string
  lot?: string
  serial?: string
}

/**
 * The Digital Link URI of `target` on `baseUrl` (TRACECHAIN_BASE_URL, e.g. https://trace.example.cn),
 * qualifiers in the mandatory order 10 then 21, then `#log=<logKeyId>`: the key id of the log that
 * vouches for the lot (core/log-key-id.ts), which the page compares with the key the node serves. The
 * fragment stays in the phone: the resolver gets the Digital Link alone. Requires an http(s) base
 * without query or fragment and a key id of 8 to 64 lowercase hex digits (RangeError), because the URI
 * is printed and scanned and must resolve to this node.
 */
export function buildLabelUri(baseUrl: string, target: LabelTarget, logKeyId: string): string {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch {
    throw new RangeError(`"baseUrl" is not a URL: ${baseUrl}`)
  }
  if ((base.protocol !== 'https:' && base.protocol !== 'http:') || base.search !== '' || base.hash !== '') {
    throw new RangeError(`"baseUrl" must be an http(s) URL without query or fragment, got ${baseUrl}`)
  }
  if (!/^[0-9]{14}$/.test(target.gtin)) throw new RangeError(`"gtin" must be 14 digits, got ${target.gtin}`)
  if (!isLogKeyId(logKeyId)) throw new RangeError(`"logKeyId" must be 8 to 64 lowercase hex digits, got ${logKeyId}`)
  const link = buildDigitalLink(gtinElements({ gtin: target.gtin, lot: target.lot, serial: target.serial }), `${base.origin}${base.pathname}`)
  return `${link}${formatTrustFragment({ log: logKeyId })}`
}

// Crockford's base32: no I, L, O or U, so a code read aloud over the phone or typed from a
// crumpled pack is not mistaken (0/O, 1/I/L).
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const TRACE_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-?[0-9A-HJKMNP-TV-Z]{4}$/

/**
 * The short human-readable trace code (追溯码) of a target: the first 40 bits of
 * SHA-256("01/{gtin}[/10/{lot}][/21/{serial}]") in Crockford base32, as "XXXX-XXXX". It is derived,
 * not assigned, so a label printed offline and the node agree on it without a registry; the
 * explorer finds a lot by it. 40 bits keep it short; two lots sharing one are both listed.
 */
export function traceCodeOf(target: LabelTarget): string {
  let key = `01/${target.gtin}`
  if (target.lot !== undefined) key += `/10/${target.lot}`
  if (target.serial !== undefined) key += `/21/${target.serial}`
  const digest = sha256(utf8(key))
  let bits = 0n
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i])
  let code = ''
  for (let i = 7; i >= 0; i--) code += CROCKFORD[Number((bits >> BigInt(i * 5)) & 31n)]
  return `${code.slice(0, 4)}-${code.slice(4)}`
}

/** A typed trace code in canonical form (upper case, O→0, I/L→1, one hyphen), or undefined. */
export function normaliseTraceCode(text: string): string | undefined {
  const cleaned = text.trim().toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1').replace(/[\s-]/g, '')
  if (!/^[0-9A-HJKMNP-TV-Z]{8}$/.test(cleaned)) return undefined
  return `${cleaned.slice(0, 4)}-${cleaned.slice(4)}`
}
