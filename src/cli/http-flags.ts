// The flags of the commands that listen (serve, mirror): where, under which public URL, with which limits
// and behind which proxy, each flag over its environment variable over the default; and the rule settings
// both keep in D/settings.json (node-settings.ts).

import { createServer } from 'node:net'
import type { RateLimits } from '../http/rate-limits.js'
import type { TrustProxy } from '../http/trust-proxy.js'
import { TracechainError } from '../core/errors.js'
import { baseUrlSetting, parsePort, type Options } from './args.js'
import type { SettingFlags } from './node-settings.js'

export const HTTP_FLAGS: Options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'base-url': { type: 'string' },
  'rate-limit': { type: 'string', multiple: true },
  'trust-proxy': { type: 'string' },
}

export interface HttpSettings {
  host: string
  port: number
  baseUrl: string | undefined
  rateLimits: RateLimits
  trustProxy: TrustProxy
}

export async function httpSettings(values: Record<string, unknown>): Promise<HttpSettings> {
  const host = (values.host as string | undefined) ?? process.env.HOST ?? '127.0.0.1'
  const port = parsePort((values.port as string | undefined) ?? process.env.PORT ?? '3000')
  // The environment's limits first, then each flag over them.
  const { DEFAULT_RATE_LIMITS, parseRateLimits } = await import('../http/rate-limits.js')
  const flags = (values['rate-limit'] as string[] | undefined) ?? []
  const rateLimits = [process.env.TRACECHAIN_RATE_LIMITS ?? '', ...flags].reduce((limits, text) => parseRateLimits(text, limits), DEFAULT_RATE_LIMITS)
  const { parseTrustProxy } = await import('../http/trust-proxy.js')
  const trustProxy = parseTrustProxy((values['trust-proxy'] as string | undefined) ?? process.env.TRACECHAIN_TRUST_PROXY ?? 'false')
  // The public base every QR label and page link is made from: a typo here would print labels no phone opens.
  const baseUrl = baseUrlSetting(values)
  return { host, port, baseUrl, rateLimits, trustProxy }
}

/** The URL a listener is reached at when no --base-url names a public one. */
export function localBaseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/**
 * Whether `host` and `port` can be listened on, tried before a command makes anything: a port another process
 * holds, or a host that does not resolve to an address of this machine, is said at once, not after serve has
 * made a node or mirror a directory. A port taken in the moment between is still found when the server listens.
 * Throws the listener's own error (EADDRINUSE, EADDRNOTAVAIL, ENOTFOUND …), named by the flag.
 */
export async function checkListenable(host: string, port: number, flag = '--port'): Promise<void> {
  const probe = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject)
      probe.listen({ host, port, exclusive: true }, resolve)
    })
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException
    throw new TracechainError('BAD_REQUEST', `cannot listen on ${host} ${flag} ${port}: ${code ?? message}${code === 'ENOTFOUND' ? ' (no such host)' : ''}`)
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()))
  }
}

/** The rule settings' flags, which serve and mirror both take: a mirror raises its node's alerts only with its node's settings. */
export const RULE_SETTING_FLAGS: Options = {
  'late-record-hours': { type: 'string' },
  'split-threshold': { type: 'string' },
  'split-window-days': { type: 'string' },
  zone: { type: 'string' },
  'off-hours': { type: 'string' },
}

/** The rule settings a command line gives. Throws BAD_REQUEST for a bad --off-hours; settingsWithFlags checks the rest. */
export async function ruleSettingFlagsOf(values: Record<string, unknown>): Promise<Pick<SettingFlags, 'lateRecordHours' | 'seal'>> {
  const { parseOffHours } = await import('./node-settings.js')
  const text = (name: string) => values[name] as string | undefined
  // Written as a plain decimal number: Number() would take "", "0x10" or "1e3" and turn "abc" into NaN.
  const number = (name: string) => {
    const given = text(name) as string
    if (!/^\d{1,15}(\.\d{1,6})?$/.test(given)) throw new TracechainError('BAD_REQUEST', `--${name} "${given.slice(0, 40)}" is not a number`)
    return Number(given)
  }
  const offHours = text('off-hours')
  return {
    ...(text('late-record-hours') !== undefined ? { lateRecordHours: number('late-record-hours') } : {}),
    seal: {
      ...(text('split-threshold') !== undefined ? { collectiveThreshold: number('split-threshold') } : {}),
      ...(text('split-window-days') !== undefined ? { splitWindowDays: number('split-window-days') } : {}),
      ...(text('zone') !== undefined ? { zoneOffset: text('zone') } : {}),
      ...(offHours !== undefined ? parseOffHours(offHours) : {}),
    },
  }
}
