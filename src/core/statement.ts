// A statement: what an actor asserts, the payload of a DSSE envelope (type, actor, id, issuedAt, body).
// Its bytes are the RFC 8785 form of itself, at most 48 KiB.
import { fromBase64, fromUtf8 } from './bytes.js'
import { parseCanonical } from './canonical-json.js'
import { fail } from './errors.js'

export interface Statement {
  type: string
  actor: string
  id: string
  issuedAt: string
  body: Record<string, unknown>
}

export const STATEMENT_PAYLOAD_TYPE = 'application/vnd.tracechain.statement+json'

/** Leaf bytes stay under 64 KiB (tlog-tiles entry bundles carry a 16-bit length); the rest is the entry around it. */
export const MAX_PAYLOAD_BYTES = 48 * 1024

const STATEMENT_KEYS = ['actor', 'body', 'id', 'issuedAt', 'type']
const TYPE_PATTERN = /^[a-z]+(\.[a-z-]+)+$/
const ACTOR_PATTERN = /^[A-Za-z0-9._-]{1,64}$/
/** 1..128 code points, none a control character (C0, DEL, C1): ids are shown and logged. */
const ID_PATTERN = /^[^\u0000-\u001f\u007f-\u009f]{1,128}$/u
const ISSUED_AT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * True for YYYY-MM-DDTHH:MM:SS.mmmZ naming a real instant (no February 30, no hour 24): what Date's
 * toISOString writes for some instant, read from the digits, as every statement's check reads it.
 */
export function isIssuedAt(value: unknown): value is string {
  if (typeof value !== 'string' || !ISSUED_AT_PATTERN.test(value)) return false
  const number = (at: number, digits: number) => {
    let n = 0
    for (let i = at; i < at + digits; i++) n = n * 10 + value.charCodeAt(i) - 48
    return n
  }
  const [year, month, day] = [number(0, 4), number(5, 2), number(8, 2)]
  if (month < 1 || month > 12 || day < 1 || number(11, 2) > 23 || number(14, 2) > 59 || number(17, 2) > 59) return false
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return day <= MONTH_DAYS[month - 1] + (leap ? 1 : 0)
}

/**
 * Parses and checks a statement payload (attacker-controlled). Throws STATEMENT_TOO_LARGE over
 * MAX_PAYLOAD_BYTES, INVALID_JSON or PAYLOAD_NOT_CANONICAL from parseCanonical, and BAD_REQUEST
 * naming the field for a wrong shape. The body is only checked to be an object here; its schema
 * belongs to the statement type.
 */
export function parseStatementPayload(payload: Uint8Array): Statement {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    fail('STATEMENT_TOO_LARGE', `statement payload is ${payload.length} bytes, over ${MAX_PAYLOAD_BYTES}`, {
      size: payload.length,
      limit: MAX_PAYLOAD_BYTES,
    })
  }
  const value = parseCanonical(payload)
  if (!isPlainObject(value)) fail('BAD_REQUEST', 'statement must be a JSON object')
  const keys = Object.keys(value)
  for (const key of keys) {
    if (!STATEMENT_KEYS.includes(key)) fail('BAD_REQUEST', `statement has an unknown field "${key}"`, { field: key })
  }
  for (const key of STATEMENT_KEYS) {
    if (!keys.includes(key)) fail('BAD_REQUEST', `statement is missing "${key}"`, { field: key })
  }
  const { type, actor, id, issuedAt, body } = value
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    fail('BAD_REQUEST', 'statement "type" must look like "food.event"', { field: 'type' })
  }
  if (typeof actor !== 'string' || !ACTOR_PATTERN.test(actor)) {
    fail('BAD_REQUEST', 'statement "actor" must be 1-64 of A-Z a-z 0-9 . _ -', { field: 'actor' })
  }
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    fail('BAD_REQUEST', 'statement "id" must be 1-128 printable characters', { field: 'id' })
  }
  if (!isIssuedAt(issuedAt)) {
    fail('BAD_REQUEST', 'statement "issuedAt" must be a UTC time as YYYY-MM-DDTHH:MM:SS.mmmZ', { field: 'issuedAt' })
  }
  if (!isPlainObject(body)) fail('BAD_REQUEST', 'statement "body" must be a JSON object', { field: 'body' })
  return value as unknown as Statement
}

/**
 * The statement of an envelope the node has checked (one the log holds, or one its checks accepted): its
 * payload is canonical base64 of a canonical statement, so it is parsed here without the checks again.
 * Never for an envelope nobody checked: parseStatementPayload is for those.
 */
export function checkedStatementOf(envelope: { payload: string }): Statement {
  return JSON.parse(fromUtf8(fromBase64(envelope.payload))) as Statement
}

/** The issuedAt form of a date: UTC with milliseconds. Throws RangeError on an invalid date. */
export function formatIssuedAt(date: Date): string {
  return date.toISOString()
}
