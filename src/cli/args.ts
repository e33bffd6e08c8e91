// Argument parsing shared by the subcommands: node:util parseArgs with our error codes.

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { TracechainError } from '../core/errors.js'

export type Options = NonNullable<ParseArgsConfig['options']>

export function parse(argv: string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true })
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

export function parsePort(text: string): number {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TracechainError('BAD_REQUEST', `port ${text} is not 0..65535`)
  return port
}
