// The flags of the commands that listen (serve, mirror): where, under which public URL, with which limits
// and behind which proxy. Each flag over its environment variable over the default.

import type { RateLimits } from '../http/rate-limits.js'
import type { TrustProxy } from '../http/trust-proxy.js'
import { parsePort, type Options } from './args.js'

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
  return { host, port, baseUrl: (values['base-url'] as string | undefined) ?? process.env.TRACECHAIN_BASE_URL, rateLimits, trustProxy }
}

/** The URL a listener is reached at when no --base-url names a public one. */
export function localBaseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
