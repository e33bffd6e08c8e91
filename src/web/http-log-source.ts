// Where the browser verifier reads a log over HTTP (web/verify-log.ts LogSource): the node's API, a copy of
// its C2SP tiles, and the entries with their proofs that the API gives, many to a request. Every answer is
// attacker input that verify-log.ts checks; these only fetch, with a deadline over the whole answer and a bound
// on its length, and read the shapes.

import { boundedBody } from '../core/bounded-body.js'
import { fromHex, fromUtf8, utf8 } from '../core/bytes.js'
import { fail, isTracechainError } from '../core/errors.js'
import { withPayloadBase64 } from '../core/payload-text.js'
import { maxResourceBytes } from '../core/tile-limits.js'
import type { FetchResource } from '../core/tiled-log.js'
import { batched } from './batched.js'
import { latestEntriesPath, MAX_PROVEN_SEQS, PAYLOADS_AS_TEXT } from './early-requests.js'
import { isRecord } from './served.js'
import type { LogFetcher, LogSource, ServedWithProof } from './verify-log.js'

const FETCH_TIMEOUT_MS = 15_000
/**
 * The longest answer of the node's API the verifier reads. The longest it sends is GET /v1/proofs/entries of
 * MAX_PROVEN_SEQS entries, each at most an entry bundle's 65,535 bytes with its proof: under 7 MB.
 */
export const MAX_API_ANSWER_BYTES = 8 * 1024 * 1024

/** What the verifier was sent at `url`: its status, and its body when the status is a success (else unread). */
interface Answer {
  status: number
  body: Uint8Array | undefined
}

/**
 * GET `url`, the deadline over the whole answer, not only its headers (a server that sends its headers and then
 * a byte a minute holds no page); a body longer than `maxBytes`, counted after any content coding is undone,
 * is cut off and refused (BODY_TOO_LARGE), so neither an endless body nor a compression bomb takes the page's
 * memory.
 */
export async function fetchBounded(url: string, init: RequestInit, maxBytes: number, timeoutMs = FETCH_TIMEOUT_MS): Promise<Answer> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  try {
    const response = await fetch(url, { ...init, signal: controller.signal })
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined)
      return { status: response.status, body: undefined }
    }
    const body = await boundedBody(response, maxBytes)
    if (body === undefined) fail('BODY_TOO_LARGE', `${url}: more than the ${maxBytes} bytes the answer can hold`, { url, max: maxBytes })
    return { status: response.status, body }
  } finally {
    clearTimeout(timer)
  }
}

/** Reads the node's API at `base` (its own origin, or another one that allows it: CORS). */
export function httpFetcher(base: string): LogFetcher {
  const get = async (path: string): Promise<string> => {
    const answer = await fetchBounded(base + path, { cache: 'no-store', headers: { accept: 'application/json, text/plain' } }, MAX_API_ANSWER_BYTES)
    if (!answer.body) throw new Error(`${path}: HTTP ${answer.status}`)
    return fromUtf8(answer.body)
  }
  return {
    text: get,
    json: async (path) => JSON.parse(await get(path)) as unknown,
  }
}

/**
 * Reads a copy of the log's tiles at `base` (ending in "/"; the node's /tlog/, a mirror's, a CDN's): a 404 is
 * a resource the copy does not have. The checkpoint moves on, so it never comes from a cache; a tile's or a
 * bundle's path names bytes that never change, so the browser's cache may answer for them.
 */
export function tileFetcher(base: string, timeoutMs = FETCH_TIMEOUT_MS): FetchResource {
  return async (path) => {
    // The path is the verifier's own (a tile it needs), so its bound is known before anything is read; a copy that
    // sends more has served a tile that is not the log's, which the page says as it says any other.
    const max = maxResourceBytes(path)
    const answer = await fetchBounded(base + path, { cache: path === 'checkpoint' ? 'no-store' : 'default' }, max, timeoutMs).catch((error: unknown) => {
      if (isTracechainError(error) && error.code === 'BODY_TOO_LARGE') fail('TILE_INVALID', `${path}: the copy sent more than the ${max} bytes it can hold`, { path, max })
      throw error
    })
    if (answer.status === 404) return undefined
    if (!answer.body) throw new Error(`${base}${path}: HTTP ${answer.status}`)
    return answer.body
  }
}

/**
 * The node's API at `api` (no trailing slash) and its tiles at `tlog`, by default the node's own under /tlog/.
 * With the node's own tiles, entries and their proofs come from its API while it gives them; a page that names
 * another copy of the tiles (a CDN's) reads them from that copy, as its operator chose to keep reads off the node.
 */
export function httpLogSource(api: string, tlog?: string): LogSource {
  const source: LogSource = { api: httpFetcher(api), tiles: tileFetcher((tlog ?? `${api}/tlog`).replace(/\/*$/, '/')) }
  if (tlog !== undefined) return source
  const { entry, latest } = apiEntries(api)
  return { ...source, entry, latest, consistencyProof: async (from, to) => proofOf(await fetchJson(`${api}/v1/proofs/consistency?from=${from}&to=${to}`)) }
}

/**
 * Entries and their proofs from the API at `api`: those asked for in one turn of the event loop in one request
 * (GET /v1/proofs/entries), so a page's entries take one round trip and its signers' registrations the next;
 * or, asked for with `latest` beside the log key, all of them in the tree of the checkpoint the API serves,
 * which its answer carries. Once the API has not given one (it refuses them, or is a mirror a commit behind),
 * the tiles stand in for the rest.
 */
function apiEntries(api: string): Required<Pick<LogSource, 'entry' | 'latest'>> {
  let givesEntries = true
  const bySize = new Map<number, (seq: number) => Promise<ServedWithProof | undefined>>()
  const early = new Map<number, Map<number, ServedWithProof>>()
  const entry = async (seq: number, size: number) => {
    const known = early.get(size)?.get(seq)
    if (known) return known
    if (!givesEntries) return undefined
    let lookup = bySize.get(size)
    if (!lookup) bySize.set(size, (lookup = batched((seqs: number[]) => fetchProven(api, seqs, size), MAX_PROVEN_SEQS)))
    const served = await lookup(seq)
    if (!served) givesEntries = false
    return served
  }
  const latest = async (seqs: readonly number[], actors: readonly string[]) => {
    const answer = await fetchJson(api + latestEntriesPath(seqs, actors))
    if (!isRecord(answer) || typeof answer.checkpoint !== 'string' || typeof answer.size !== 'number') return undefined
    early.set(answer.size, provenOf(answer))
    return { note: utf8(answer.checkpoint) }
  }
  return { entry, latest }
}

/** The entries among `seqs` that the API gives with a well-formed proof in the tree of `size`, by seq. */
async function fetchProven(api: string, seqs: number[], size: number): Promise<Map<number, ServedWithProof>> {
  return provenOf(await fetchJson(`${api}/v1/proofs/entries?seqs=${seqs.join(',')}&size=${size}${PAYLOADS_AS_TEXT}`))
}

/** The entries of an answer of GET /v1/proofs/entries that come with a well-formed proof, by seq. */
function provenOf(answer: unknown): Map<number, ServedWithProof> {
  const served = new Map<number, ServedWithProof>()
  if (!isRecord(answer) || !Array.isArray(answer.entries)) return served
  for (const item of answer.entries as unknown[]) {
    const proof = proofOf(item)
    if (isRecord(item) && typeof item.seq === 'number' && proof) served.set(item.seq, { entry: withPayloadBase64(item.entry), proof })
  }
  return served
}

async function fetchJson(url: string): Promise<unknown> {
  const answer = await fetchBounded(url, { headers: { accept: 'application/json' } }, MAX_API_ANSWER_BYTES)
  return answer.body ? (JSON.parse(fromUtf8(answer.body)) as unknown) : undefined
}

/** The hashes of an answer's `proof`, or undefined for one that is not a proof (the tiles then give it). */
function proofOf(answer: unknown): Uint8Array[] | undefined {
  if (!isRecord(answer) || !Array.isArray(answer.proof) || answer.proof.length > MAX_PROOF_HASHES) return undefined
  if (!answer.proof.every((hash): hash is string => typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash))) return undefined
  return answer.proof.map((hash) => fromHex(hash))
}

/** An inclusion proof in a tree of fewer than 2^63 leaves has fewer hashes than this. */
const MAX_PROOF_HASHES = 64
