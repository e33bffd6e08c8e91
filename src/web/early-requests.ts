// The requests a page's verifier makes first, beside the log key, built the same way on both sides: the page's
// HTML names them in <link rel="preload"> (html.ts renderShell), so a phone fetches them while the verifier's
// script is still on its way, and the browser answers the verifier's own fetches of the same URLs from those
// preloads. Only a warm cache: every answer is checked as ever, and a preload that misses costs its bytes
// and nothing else. Browser-safe.

import { ACTORS_ATTRIBUTE, EVIDENCE_ATTRIBUTE } from './bound-view.js'

/** Actors looked up ahead on a page's word, and whose registry entries one request for entries may add: a page
 *  cannot make the verifier fetch without end (http/routes/log.ts takes its bounds from here). */
export const MAX_LIKELY_ACTORS = 64
/** Seqs one request for entries with their proofs may name: a page's, and its signers' registrations. */
export const MAX_PROVEN_SEQS = 100

/** The actors a page names (its areas' and its entries' signers), sorted, so the page and the verifier agree. */
export function likelyActors(actorIds: readonly string[], likelySigners: readonly string[] = []): string[] {
  return [...new Set([...actorIds, ...likelySigners])].sort().slice(0, MAX_LIKELY_ACTORS)
}

/** GET /v1/actors for these ids, in their order. */
export function actorsPath(ids: readonly string[]): string {
  return `/v1/actors?ids=${ids.map(encodeURIComponent).join(',')}`
}

/** GET /v1/proofs/entries in the tree of the API's checkpoint: the seqs ascending, each once, and the actors. */
export function latestEntriesPath(seqs: readonly number[], actors: readonly string[]): string {
  const listed = [...new Set(seqs)].sort((a, b) => a - b).slice(0, MAX_PROVEN_SEQS)
  return `/v1/proofs/entries?seqs=${listed.join(',')}${actors.length > 0 ? `&actors=${actors.map(encodeURIComponent).join(',')}` : ''}${PAYLOADS_AS_TEXT}`
}

/** Entries' payloads as text (core/payload-text.ts): a quarter fewer bytes on a phone's slowest request. */
export const PAYLOADS_AS_TEXT = '&payloads=text'

/** What the verifier asks for first whatever the page: the log key, the tiles' checkpoint, the witness policy. */
export const FIRST_PATHS = ['/v1/log/key', '/tlog/checkpoint', '/v1/witnesses'] as const

const SEQ_ELEMENT = /<[a-z][^>]*\sdata-seq="(\d+)"[^>]*>/g
const ACTOR = /\sdata-actor="([^"]*)"/
const EVIDENCE = new RegExp(`\\s${EVIDENCE_ATTRIBUTE}="([\\d ]*)"`, 'g')
const ACTORS = new RegExp(`\\s${ACTORS_ATTRIBUTE}="([^"]*)"`, 'g')

/**
 * The preload links for a verified page's first requests, read from the HTML the node renders (`body`, inside
 * the element with `mainAttributes`) as verify.ts reads the page: its `data-seq` elements and their
 * `data-actor`, its bound areas' evidence and actors. None for a page that names another API or copy of the
 * tiles (`data-api`, `data-tlog`): its verifier asks elsewhere.
 */
export function earlyRequestLinks(mainAttributes: string, body: string): string {
  if (/\sdata-(api|tlog)=/.test(` ${mainAttributes}`)) return ''
  const seqs: number[] = []
  const signers: string[] = []
  for (const [tag, seq] of body.matchAll(SEQ_ELEMENT)) {
    seqs.push(Number(seq))
    const actor = ACTOR.exec(tag)?.[1]
    if (actor !== undefined) signers.push(actor)
  }
  for (const [, evidence] of body.matchAll(EVIDENCE)) seqs.push(...evidence.split(' ').filter(Boolean).map(Number))
  const named = [...body.matchAll(ACTORS)].flatMap(([, ids]) => ids.split(/\s+/).filter(Boolean))
  const actors = likelyActors(named, signers)
  // The largest answers first.
  const paths: string[] = []
  if (seqs.length > 0) paths.push(latestEntriesPath(seqs, actors))
  if (actors.length > 0) paths.push(actorsPath(actors))
  paths.push(...FIRST_PATHS)
  return paths.map((path) => `<link rel="preload" as="fetch" crossorigin href="${path.replaceAll('&', '&amp;')}">`).join('')
}
