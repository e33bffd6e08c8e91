// Which proxies' X-Forwarded-For the node believes, so that per-address rate limits count the client
// behind a load balancer or CDN rather than the balancer. Believing it from anyone would let every
// client name its own address, so the default believes nobody.

import { fail } from '../core/errors.js'

/** Fastify's trustProxy: false, true (any hop: only behind a proxy that overwrites the header), or addresses and CIDRs. */
export type TrustProxy = boolean | string

const ADDRESS_OR_CIDR = /^(?:[0-9.]+|[0-9a-fA-F:]+(?:%[\w.]+)?|loopback|linklocal|uniquelocal)(?:\/\d{1,3})?$/

/** Parses `--trust-proxy` / TRACECHAIN_TRUST_PROXY: `false`, `true`, or a comma-separated list of addresses or CIDRs. */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  const parts = value.split(',').map((part) => part.trim())
  const bad = parts.filter((part) => !ADDRESS_OR_CIDR.test(part))
  if (bad.length > 0) fail('BAD_REQUEST', `--trust-proxy: ${bad.join(', ')} is no address or CIDR`, { value: text })
  return parts.join(',')
}
