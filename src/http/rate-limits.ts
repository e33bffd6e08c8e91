// Per-address rate limits on the public routes that cost the node most per request (PNG labels, trace
// graphs, search, audits, proof bundles, whole-log exports), with @fastify/rate-limit: over the limit a client gets 429 RATE_LIMITED and
// Retry-After (RFC 6585 section 4). Cheap reads (entries, proofs, checkpoints) are never limited.

import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import { TracechainError } from '../core/errors.js'
import { wantsBundle } from '../web/negotiate.js'

export const LIMITED_ROUTES = ['labels', 'trace', 'search', 'verify', 'bundles', 'exports'] as const
export type LimitedRoute = (typeof LIMITED_ROUTES)[number]

/** At most `max` requests from one address in any `windowSeconds`; false: no limit. */
export type RateLimit = { max: number; windowSeconds: number } | false
export type RateLimits = Record<LimitedRoute, RateLimit>

/**
 * Generous for people and shell scripts, tight for a flood: a shopper opens one label or page at a
 * time, and a whole-log audit is the CLI's job, not GET /v1/verify's.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  labels: { max: 120, windowSeconds: 60 },
  trace: { max: 300, windowSeconds: 60 },
  search: { max: 300, windowSeconds: 60 },
  verify: { max: 30, windowSeconds: 60 },
  // A lot's bundle reads up to 5,000 entries with their proofs; a person downloads one at a time.
  bundles: { max: 60, windowSeconds: 60 },
  // The FSMA 204 spreadsheet without a lot reads and formats every food event in the log.
  exports: { max: 30, windowSeconds: 60 },
}

/** Which limit a route (its Fastify URL pattern) counts against. */
const ROUTE_LIMITS: Record<string, LimitedRoute> = {
  '/v1/bundles/entries/:seq': 'bundles',
  '/v1/labels/:file': 'labels',
  '/v1/trace/:id': 'trace',
  '/search': 'search',
  '/v1/verify': 'verify',
  '/v1/export/fsma204': 'exports',
}

/**
 * A route that answers an offline proof bundle when asked for one (a lot's Digital Link, a seal application)
 * says so in its config: only those answers count against `bundles`, its pages and JSON are not limited.
 */
export const ANSWERS_BUNDLES: { answersBundles: true } = { answersBundles: true }

function askedForBundle(request: FastifyRequest): boolean {
  return wantsBundle(request.headers.accept, (request.query as { format?: unknown } | undefined)?.format)
}

/** SVG labels are a string template; only the PNG render (a rasteriser run) counts against `labels`. */
function isPngLabel(request: FastifyRequest): boolean {
  return (request.url.split('?')[0] ?? '').toLowerCase().endsWith('.png')
}

/** Requests a limit does not count: a negotiated route's pages and JSON, and SVG labels. */
const NOT_COUNTED: Partial<Record<LimitedRoute, (request: FastifyRequest) => boolean>> = {
  bundles: (request) => (request.routeOptions.config as { answersBundles?: unknown }).answersBundles === true && !askedForBundle(request),
  labels: (request) => !isPngLabel(request),
}

/**
 * Registers the limiter; call before the routes it limits are added. Limits are counted per client
 * address as Fastify sees it (`request.ip`: behind a reverse proxy, set Fastify's trustProxy).
 * Each limit is one counter per address over every route that counts against it, a route's HEAD included: a
 * lot's bundle costs the same asked through any of its Digital Link forms. The limiter's route config would
 * give each route a store of its own, so each limit is one handler of the limiter's (`app.rateLimit`), added
 * to each of its routes.
 */
export async function installRateLimits(app: FastifyInstance, limits: RateLimits): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new TracechainError('RATE_LIMITED', `rate limit exceeded, retry in ${context.after}`, {
        max: context.max,
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  })
  const limiters = new Map<LimitedRoute, onRequestHookHandler>()
  for (const name of LIMITED_ROUTES) {
    const limit = limits[name]
    if (limit === false) continue
    const allowList = NOT_COUNTED[name]
    limiters.set(name, app.rateLimit({ max: limit.max, timeWindow: limit.windowSeconds * 1000, ...(allowList ? { allowList } : {}) }) as onRequestHookHandler)
  }
  app.addHook('onRoute', (route) => {
    const negotiated = (route.config as { answersBundles?: unknown } | undefined)?.answersBundles === true
    const limiter = limiters.get(negotiated ? 'bundles' : ROUTE_LIMITS[route.url])
    if (limiter === undefined) return
    route.onRequest = [...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]), limiter]
  })
}

/**
 * Limits from text such as `labels=60/60,verify=off` (NAME=MAX[/SECONDS], SECONDS 60 by default) over
 * `base`. Throws BAD_REQUEST naming the part that does not parse.
 */
export function parseRateLimits(text: string, base: RateLimits = DEFAULT_RATE_LIMITS): RateLimits {
  const limits: RateLimits = { ...base }
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([a-z]+)=(?:(off)|(\d{1,9})(?:\/(\d{1,9}))?)$/.exec(part)
    const name = match?.[1] as LimitedRoute | undefined
    if (!match || !name || !LIMITED_ROUTES.includes(name)) {
      throw new TracechainError('BAD_REQUEST', `rate limit "${part}" is not NAME=MAX[/SECONDS] or NAME=off, NAME one of ${LIMITED_ROUTES.join(', ')}`)
    }
    const max = Number(match[3])
    const windowSeconds = Number(match[4] ?? 60)
    if (match[2] === undefined && (max < 1 || windowSeconds < 1)) throw new TracechainError('BAD_REQUEST', `rate limit "${part}": MAX and SECONDS are at least 1`)
    limits[name] = match[2] === 'off' ? false : { max, windowSeconds }
  }
  return limits
}

/**
 * The client an address stands for, as the limiter counts it: an IPv4 address (or an IPv4-mapped IPv6 one) by
 * itself, an IPv6 address by its /64, which one subscriber is handed whole and may send from any address of.
 */
export function addressGroup(ip: string): string {
  const address = ip.split('%')[0] as string
  if (!address.includes(':')) return address
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1] as string
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups.slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16)).join(':')}::/64`
}
