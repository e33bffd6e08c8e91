// A statement as a person fills it in: the fields of one kind of statement (an ActionForm), read from a
// form's values into the body the statement type's schema describes. Pure and browser-safe: the console's
// page builds and signs with it, its server renders the same fields, and the CLI's `sign` gives the same
// bytes for the same body (test/core/statement-form.test.ts).

import { fail } from './errors.js'
import type { Statement } from './statement.js'

/** What a form field holds, which decides how it is drawn and read. */
export type FieldKind =
  | 'text'
  | 'textarea'
  /** a textarea read as one value a line */
  | 'lines'
  | 'select'
  | 'integer'
  /** a non-negative amount of money (CNY) */
  | 'amount'
  | 'number'
  /** YYYY-MM-DD */
  | 'date'
  /** a local time in China Standard Time, YYYY-MM-DDTHH:MM (an <input type=datetime-local>) */
  | 'datetime'
  /** 64 lowercase hex digits, or computed in the browser from a file that never leaves it */
  | 'sha256'

export interface FormField {
  name: string
  kind: FieldKind
  label: { zh: string; en: string }
  hint?: { zh: string; en: string }
  required?: boolean
  maxLength?: number
  /** for select: value and words */
  options?: readonly { value: string; zh: string; en: string }[]
  /** the query parameter of GET /console/act that fills this field in (a link from a lot's or a seal's page) */
  prefill?: 'lot' | 'seal' | 'application'
}

/** A form's values by field name, as the browser's FormData or a query string gives them (untrusted). */
export type FormValues = Readonly<Record<string, string | undefined>>

/** One kind of statement a person can make from the console. */
export interface ActionForm {
  /** the form's name in /console/act?action= */
  action: string
  /** the statement type it signs */
  type: string
  title: { zh: string; en: string }
  /** who may sign it, in words */
  signer: { zh: string; en: string }
  fields: readonly FormField[]
  /** The statement body from the values; throws BAD_REQUEST naming the field (details.field). */
  body(values: FormValues): Record<string, unknown>
  /** The statement id when the form leaves it empty: readable, and the same for the same matter. */
  defaultId(values: FormValues, issuedAt: string): string
  /** Where to see what an accepted statement did (its lots' pages, its seal's page), on this node. */
  resultLinks?(statement: Statement): { href: string; label: { zh: string; en: string } }[]
  /** For a form that signs one of several types (approve or reject): the type the values choose; else `type`. */
  typeOf?(values: FormValues): string
}

/** The field every form has: the statement id, the actor's idempotency key. */
export const STATEMENT_ID_FIELD = 'statementId'

const SHA256_HEX = /^[0-9a-f]{64}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/
/** China Standard Time: no daylight saving, so a local time there is one instant. */
const CHINA_OFFSET = '+08:00'

/** Throws BAD_REQUEST naming the field (details.field), as every form error does. */
export function invalidField(field: string, message: string): never {
  return fail('BAD_REQUEST', message, { field })
}

/** The trimmed value, or undefined when empty. */
export function optionalText(values: FormValues, field: string, maxLength = 2000): string | undefined {
  const value = (values[field] ?? '').trim()
  if (value === '') return undefined
  if ([...value].length > maxLength) invalidField(field, `${field} is longer than ${maxLength} characters`)
  return value
}

export function requiredText(values: FormValues, field: string, maxLength = 2000): string {
  return optionalText(values, field, maxLength) ?? invalidField(field, `${field} is required`)
}

/** An id of the registry's alphabet (seal, application): 1-64 of A-Z a-z 0-9 . _ - */
export function requiredId(values: FormValues, field: string): string {
  const value = requiredText(values, field, 64)
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) invalidField(field, `${field} must be 1-64 of A-Z a-z 0-9 . _ -`)
  return value
}

/** One value a line, trimmed, blank lines and repeats left out; at least one. */
export function requiredLines(values: FormValues, field: string, maxLines: number): string[] {
  const lines = [...new Set((values[field] ?? '').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== ''))]
  if (lines.length === 0) invalidField(field, `${field} needs at least one line`)
  if (lines.length > maxLines) invalidField(field, `${field} has ${lines.length} lines, at most ${maxLines}`)
  return lines
}

/** A decimal number as typed ("12", "0.5"), or undefined when empty. */
export function optionalNumber(values: FormValues, field: string, { min, max }: { min?: number; max?: number } = {}): number | undefined {
  const text = optionalText(values, field, 32)
  if (text === undefined) return undefined
  if (!/^-?\d+(\.\d+)?$/.test(text)) invalidField(field, `${field} must be a number`)
  const value = Number(text)
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) invalidField(field, `${field} must be between ${min ?? '-∞'} and ${max ?? '∞'}`)
  return value
}

export function requiredInteger(values: FormValues, field: string, min: number, max: number): number {
  const value = optionalNumber(values, field, { min, max }) ?? invalidField(field, `${field} is required`)
  if (!Number.isInteger(value)) invalidField(field, `${field} must be a whole number`)
  return value
}

export function requiredSha256(values: FormValues, field: string): string {
  const value = requiredText(values, field, 64).toLowerCase()
  if (!SHA256_HEX.test(value)) invalidField(field, `${field} must be a SHA-256: 64 hex digits`)
  return value
}

export function optionalDate(values: FormValues, field: string): string | undefined {
  const value = optionalText(values, field, 10)
  if (value === undefined) return undefined
  if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    invalidField(field, `${field} must be a date, YYYY-MM-DD`)
  }
  return value
}

/** A local time in China Standard Time as RFC 3339 with its offset: 2026-12-02T10:30:00+08:00. */
export function requiredChinaTime(values: FormValues, field: string): string {
  const match = LOCAL_TIME.exec(requiredText(values, field, 19))
  if (!match) invalidField(field, `${field} must be a time, YYYY-MM-DDTHH:MM`)
  const time = `${match[1]}T${match[2]}${match[3] ?? ':00'}${CHINA_OFFSET}`
  if (Number.isNaN(Date.parse(time))) invalidField(field, `${field} is not a real time`)
  return time
}

/** An issuedAt as an id's suffix: 20261202T103000Z. */
export function compactTime(issuedAt: string): string {
  return issuedAt.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}

/**
 * The statement a form's values make, signed by `actor` at `issuedAt` (the caller's clock). The id is the
 * form's STATEMENT_ID_FIELD when filled, else the form's default. Throws BAD_REQUEST naming the field.
 */
export function buildFormStatement(form: ActionForm, values: FormValues, actor: string, issuedAt: string): Statement {
  const body = form.body(values)
  const id = optionalText(values, STATEMENT_ID_FIELD, 128) ?? form.defaultId(values, issuedAt)
  return { type: form.typeOf?.(values) ?? form.type, actor, id, issuedAt, body }
}
