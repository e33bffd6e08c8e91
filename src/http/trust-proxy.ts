// Which proxies' X-Forwarded-For the node believes, so that per-address rate limits count the client
// behind a load balancer or CDN rather than the balancer. Believing it from anyone would let every
// client name its own address, so the default believes nobody.

import { isIP } from 'node:net'
import { fail } from '../core/errors.js'

/** Fastify's trustProxy: false, true (any hop: only behind a proxy that overwrites the header), or addresses and CIDRs. */
export type TrustProxy = boolean | string

/** The names Fastify's proxy-addr knows, an address, or an address with a prefix length it takes (1 to 32 or 128: not /0, which it refuses). */
function isAddressOrCidr(part: string): boolean {
  if (part === 'loopback' || part === 'linklocal' || part === 'uniquelocal') return true
  const [address, prefix, extra] = part.split('/')
  const family = isIP(address ?? '')
  if (family === 0 || extra !== undefined) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (family === 4 ? 32 : 128))
}

/** Parses `--trust-proxy` / TRACECHAIN_TRUST_PROXY: `false`, `true`, or a comma-separated list of addresses or CIDRs. */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  const parts = value.split(',').map((part) => part.trim())
  const bad = parts.filter((part) => !isAddressOrCidr(part))
  if (bad.length > 0) fail('BAD_REQUEST', `--trust-proxy: ${bad.join(', ')} is no address or CIDR`, { value: text })
  return parts.join(',')
}
