// Where the browser verifier reads a log over HTTP (web/verify-log.ts LogSource): the node's API, a copy of
// its C2SP tiles, and the entries and proofs the API gives one by one. Every answer is attacker input that
// verify-log.ts checks; these only fetch, with a deadline, and read the shapes.

import { fromHex } from '../core/bytes.js'
import type { FetchResource } from '../core/tiled-log.js'
import { isRecord } from './served.js'
import type { LogFetcher, LogSource } from './verify-log.js'

const FETCH_TIMEOUT_MS = 15_000

async function fetchWithin(url: string, init: RequestInit): Promise<Response> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS)
  try {
    return await fetch(url, { ...init, signal: controller.signal })
  } finally {
    clearTimeout(timer)
  }
}

/** Reads the node's API at `base` (its own origin, or another one that allows it: CORS). */
export function httpFetcher(base: string): LogFetcher {
  const get = async (path: string): Promise<Response> => {
    const response = await fetchWithin(base + path, { cache: 'no-store', headers: { accept: 'application/json, text/plain' } })
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
    return response
  }
  return {
    text: async (path) => (await get(path)).text(),
    json: async (path) => (await get(path)).json() as Promise<unknown>,
  }
}

/**
 * Reads a copy of the log's tiles at `base` (ending in "/"; the node's /tlog/, a mirror's, a CDN's): a 404 is
 * a resource the copy does not have. The checkpoint moves on, so it never comes from a cache; a tile's or a
 * bundle's path names bytes that never change, so the browser's cache may answer for them.
 */
export function tileFetcher(base: string): FetchResource {
  return async (path) => {
    const response = await fetchWithin(base + path, { cache: path === 'checkpoint' ? 'no-store' : 'default' })
    if (response.status === 404) return undefined
    if (!response.ok) throw new Error(`${base}${path}: HTTP ${response.status}`)
    return new Uint8Array(await response.arrayBuffer())
  }
}

/**
 * The node's API at `api` (no trailing slash) and its tiles at `tlog`, by default the node's own under /tlog/.
 * With the node's own tiles, entries and their proofs come one by one from its API while it gives them; a page
 * that names another copy of the tiles (a CDN's) reads them from that copy, as its operator chose to keep
 * reads off the node.
 */
export function httpLogSource(api: string, tlog?: string): LogSource {
  const source: LogSource = { api: httpFetcher(api), tiles: tileFetcher((tlog ?? `${api}/tlog`).replace(/\/*$/, '/')) }
  return tlog === undefined ? { ...source, entry: apiEntries(api), consistencyProof: (from, to) => fetchProof(`${api}/v1/proofs/consistency?from=${from}&to=${to}`) } : source
}

/**
 * Entries and their proofs from the API at `api`, asked for all at once. Once it has not given one (it refuses
 * them, or is a mirror a commit behind), the tiles stand in for the rest.
 */
function apiEntries(api: string): NonNullable<LogSource['entry']> {
  let givesEntries = true
  return async (seq, size) => {
    if (!givesEntries) return undefined
    const served = await Promise.all([fetchEntry(api, seq), fetchProof(`${api}/v1/proofs/inclusion?seq=${seq}&size=${size}`)]).catch((error: unknown) => {
      givesEntries = false
      throw error
    })
    const [entry, proof] = served
    if (entry === undefined || proof === undefined) {
      givesEntries = false
      return undefined
    }
    return { entry, proof }
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetchWithin(url, { headers: { accept: 'application/json' } })
  return response.ok ? ((await response.json()) as unknown) : undefined
}

async function fetchEntry(api: string, seq: number): Promise<unknown> {
  const answer = await fetchJson(`${api}/v1/entries/${seq}`)
  return isRecord(answer) ? answer.entry : undefined
}

/** The hashes of the proof the API answers at `url`, or undefined for an answer that is not one (the tiles then give it). */
async function fetchProof(url: string): Promise<Uint8Array[] | undefined> {
  const answer = await fetchJson(url)
  if (!isRecord(answer) || !Array.isArray(answer.proof) || answer.proof.length > MAX_PROOF_HASHES) return undefined
  if (!answer.proof.every((hash): hash is string => typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash))) return undefined
  return answer.proof.map((hash) => fromHex(hash))
}

/** An inclusion proof in a tree of fewer than 2^63 leaves has fewer hashes than this. */
const MAX_PROOF_HASHES = 64
