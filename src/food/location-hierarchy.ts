// The locations within a location, for WD_bizLocation and WD_readPoint (EPCIS 2.0 section 8.2.7.1: the
// value or a direct or indirect descendant of it). Two sources: GS1's own structure (an SGLN with an AI 254
// extension is within its GLN, GS1 General Specifications section 3.6.11) and the signed master data of
// actor.register's `locationChildren`, as EPCIS master data's `children` say it.

import { fail } from '../core/errors.js'
import type { Registry } from '../ledger/registry.js'
import { SEP, SEP_END } from '../store/keys.js'
import type { Ledger } from '../ledger/ledger.js'
import { identifierKey, parseIdentifier } from './identifiers.js'
import { SPACES } from './records.js'

/** Locations a WD_ parameter may reach through master data before the query is refused as too large. */
export const MAX_WITHIN = 4096
/** Distinct indexed locations one query scans the location index for; beyond, it reads the time index. */
const MAX_INDEX_STREAMS = 256

/** Where a WD_ parameter looks: these location keys, and every extension of these GLNs. */
export interface LocationScope {
  keys: Set<string>
  /** GLNs (13 digits) given or reached without an extension: each of their SGLNs is within */
  glns: Set<string>
  /** the keys to read from the location index, or undefined when there are too many (read the time index) */
  indexKeys?: string[]
}

const WHOLE_GLN = /^414\/(\d{13})$/
const SGLN_KEY = /^414\/(\d{13})(?:\/254\/.+)?$/

/** Whether a location key (locationKey) is within the scope. */
export function inScope(key: string | undefined, scope: LocationScope): boolean {
  if (key === undefined) return false
  if (scope.keys.has(key)) return true
  const gln = SGLN_KEY.exec(key)?.[1]
  return gln !== undefined && scope.glns.has(gln)
}

/** The master data as a graph of location keys: children by parent, and the parents with an extension by their GLN. */
interface Hierarchy {
  children: Map<string, string[]>
  extendedParents: Map<string, string[]>
}

/** The graph as of a registry version: rebuilt only after the registry changed, not read at every query. */
const built = new WeakMap<Registry, { version: number; hierarchy: Hierarchy }>()

function hierarchyOf(registry: Registry): Hierarchy {
  const cached = built.get(registry)
  if (cached && cached.version === registry.version) return cached.hierarchy
  const version = registry.version
  const hierarchy: Hierarchy = { children: new Map(), extendedParents: new Map() }
  for (const actor of registry.all()) {
    for (const [parentText, childTexts] of Object.entries(actor.locationChildren ?? {})) {
      // Signed input checked only in shape by the ledger: a location that is no GS1 key or URI reaches nothing.
      const parent = keyOrUndefined(parentText)
      if (parent === undefined) continue
      const children = childTexts.map(keyOrUndefined).filter((k): k is string => k !== undefined)
      hierarchy.children.set(parent, [...(hierarchy.children.get(parent) ?? []), ...children])
      const gln = SGLN_KEY.exec(parent)?.[1]
      if (gln !== undefined && !WHOLE_GLN.test(parent)) hierarchy.extendedParents.set(gln, [...(hierarchy.extendedParents.get(gln) ?? []), parent])
    }
  }
  built.set(registry, { version, hierarchy })
  return hierarchy
}

function keyOrUndefined(text: string): string | undefined {
  try {
    return identifierKey(parseIdentifier(text))
  } catch {
    return undefined
  }
}

/**
 * The locations within `given` (location keys, the values of a WD_ parameter), `given` included, and the
 * location index keys to read them from. Master data may hold cycles: each location is visited once.
 * Throws QUERY_TOO_LARGE when more than MAX_WITHIN locations are reached.
 */
export async function locationsWithin(ledger: Ledger, given: Set<string>): Promise<LocationScope> {
  const { children, extendedParents } = hierarchyOf(ledger.actors)
  const scope: LocationScope = { keys: new Set(), glns: new Set() }
  const queue = [...given]
  while (queue.length > 0) {
    const key = queue.pop() as string
    if (scope.keys.has(key)) continue
    if (scope.keys.size === MAX_WITHIN) fail('QUERY_TOO_LARGE', `the locations asked for hold more than ${MAX_WITHIN} locations; ask for narrower ones`, { locations: [...given] })
    scope.keys.add(key)
    const gln = WHOLE_GLN.exec(key)?.[1]
    if (gln !== undefined) {
      scope.glns.add(gln)
      // A parent with an extension is within this GLN, and so are its children.
      queue.push(...(extendedParents.get(gln) ?? []))
    }
    queue.push(...(children.get(key) ?? []))
  }
  scope.indexKeys = await indexKeysOf(ledger, scope)
  return scope
}

/**
 * The keys in the location index that are in the scope: its own keys, and the extensions of its GLNs found
 * by skipping from one distinct location to the next. Undefined when more than MAX_INDEX_STREAMS.
 */
async function indexKeysOf(ledger: Ledger, scope: LocationScope): Promise<string[] | undefined> {
  if (scope.keys.size > MAX_INDEX_STREAMS) return undefined
  const keys = new Set(scope.keys)
  for (const gln of scope.glns) {
    const prefix = `414/${gln}/254/`
    let from = prefix
    for (;;) {
      const [hit] = await ledger.records.range<unknown>(SPACES.byLocation, { gte: from, lt: `${prefix.slice(0, -1)}0`, limit: 1 })
      if (!hit) break
      const location = hit[0].slice(0, hit[0].indexOf(SEP))
      keys.add(location)
      if (keys.size > MAX_INDEX_STREAMS) return undefined
      from = `${location}${SEP_END}`
    }
  }
  return [...keys]
}
