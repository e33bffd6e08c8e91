// Argument parsing shared by the subcommands: node:util parseArgs with our error codes.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { TracechainError } from '../core/errors.js'

export type Options = NonNullable<ParseArgsConfig['options']>

/**
 * A command's flags. Words that are not flags are refused unless the command takes some (`allowPositionals`):
 * `serve ./data` would otherwise start on ./data's default, not the directory its user meant. Throws BAD_REQUEST.
 */
export function parse(argv: string[], options: Options, { allowPositionals = false } = {}): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true })
    return { values: values as Record<string, string | boolean | undefined>, positionals }
  } catch (error) {
    throw new TracechainError('BAD_REQUEST', (error as Error).message)
  }
}

export function requireString(values: Record<string, unknown>, name: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value === '') throw new TracechainError('BAD_REQUEST', `--${name} is required`)
  return value
}

/** `--name`, required: an absolute http(s) URL, as given. Throws BAD_REQUEST naming the flag. */
export function httpUrlFlag(values: Record<string, unknown>, name: string): string {
  const text = requireString(values, name)
  let protocol: string | undefined
  try {
    protocol = new URL(text).protocol
  } catch {
    protocol = undefined
  }
  // An environment variable (TRACECHAIN_BASE_URL) is named as it is; a flag with its dashes.
  const said = /^[A-Z_]+$/.test(name) ? name : `--${name}`
  if (protocol !== 'http:' && protocol !== 'https:') throw new TracechainError('BAD_REQUEST', `${said} must be an absolute http(s) URL, got ${JSON.stringify(text.slice(0, 200))}`)
  return text
}

/**
 * The public base URL (--base-url, TRACECHAIN_BASE_URL) as httpUrlFlag checks it, and without a query or a
 * fragment: every label's URI, linkset and page link is the base with a path after it. Throws BAD_REQUEST.
 */
export function baseUrlFlag(values: Record<string, unknown>, name: string): string {
  const text = httpUrlFlag(values, name)
  const { search, hash } = new URL(text)
  if (search !== '' || hash !== '') {
    const said = /^[A-Z_]+$/.test(name) ? name : `--${name}`
    throw new TracechainError('BAD_REQUEST', `${said} is the base of every label's URI and takes no query or fragment, got ${JSON.stringify(text.slice(0, 200))}`)
  }
  return text
}

/** --base-url when given, else TRACECHAIN_BASE_URL when set (each as baseUrlFlag checks it), else undefined. */
export function baseUrlSetting(values: Record<string, unknown>): string | undefined {
  if (values['base-url'] !== undefined) return baseUrlFlag(values, 'base-url')
  const fromEnv = process.env.TRACECHAIN_BASE_URL
  return fromEnv ? baseUrlFlag({ TRACECHAIN_BASE_URL: fromEnv }, 'TRACECHAIN_BASE_URL') : undefined
}

/** `--name` when given, as httpUrlFlag checks it. */
export function optionalHttpUrlFlag(values: Record<string, unknown>, name: string): string | undefined {
  return values[name] === undefined ? undefined : httpUrlFlag(values, name)
}

export function parsePort(text: string): number {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TracechainError('BAD_REQUEST', `port ${text} is not 0..65535`)
  return port
}

/** `--timeout SECONDS`, how long a command waits for each answer of a node it asks (cli/node-client.ts), in ms. */
export function timeoutFlag(values: Record<string, unknown>): number | undefined {
  if (values.timeout === undefined) return undefined
  const seconds = Number(values.timeout)
  if (typeof values.timeout !== 'string' || !(Number.isFinite(seconds) && seconds > 0 && seconds <= 86_400)) {
    throw new TracechainError('BAD_REQUEST', `--timeout must be a number of seconds, more than 0 and at most 86400, got ${JSON.stringify(String(values.timeout).slice(0, 100))}`)
  }
  return Math.round(seconds * 1000)
}
