// A bound area: the part of a page inside which every fact shown is derived from verified entries.
// The server renders it with a pure function of statements (a BoundView) and lists, on the area, the
// entries it used; the browser verifier fetches and verifies those entries, renders the area again with
// the same function from what it verified, and compares the two trees node by node. Any difference, a
// rewritten place, a dropped recall banner, a changed amount, fails the page and is named by the
// nearest `data-fact` around it. Without JavaScript the server's rendering is what is read.
//
// CONTRACT (the page side; verify.ts is the browser side):
// - The area is an element with `data-bound="<view name>"`, `data-evidence="<seq> <seq> ..."` (the
//   entries the view was rendered from, ascending), `data-actors="<id> <id> ..."` (actors whose
//   registrations it names beyond the entries' signers), and `data-bound-params` (JSON object of
//   strings: the view's inputs that are not statements, each checked by the view or the verifier).
// - Its children are exactly what `render` returns for those inputs, in the page's language.
// - Elements that show one fact carry `data-fact="<name>"`; the name is what a failure reports.
// No DOM types leak into render: it returns HTML text, so the server and the browser share it.

import type { Statement } from '../core/statement.js'
import { masterDataOf, type ContactPoint, type PostalAddress } from '../core/master-data.js'
import type { ActorRecord } from '../ledger/registry.js'
import type { Lang } from './i18n.js'

export const BOUND_VIEW_ATTRIBUTE = 'data-bound'
export const EVIDENCE_ATTRIBUTE = 'data-evidence'
export const ACTORS_ATTRIBUTE = 'data-actors'
export const PARAMS_ATTRIBUTE = 'data-bound-params'
export const FACT_ATTRIBUTE = 'data-fact'

/** A statement as verified: in the signed tree, signed by its actor with a key it held at its seq. */
export interface EvidenceEntry {
  seq: number
  /** the node's time for the entry (the entry's own field, covered by its leaf hash) */
  recordedAt: string
  statement: Statement
}

/** What the log's own registration entries say of an actor (verify-registry.ts replays them). */
export interface ActorProfile {
  id: string
  name: string | { zh?: string; en?: string }
  roles: string[]
  org?: string
  /** 'node': its registration says the platform holds its key and signs for it (POST /capture) */
  custody?: 'node'
  locations: string[]
  address?: PostalAddress
  contact?: ContactPoint
  /** the seq of its registration */
  registeredAt: number
  revokedAt?: number
}

/** The profile the node's registry holds of an actor: what its registration said (the browser reads the same). */
export function actorProfile(record: ActorRecord): ActorProfile {
  return {
    id: record.id,
    name: record.name,
    roles: [...record.roles],
    ...(record.org !== undefined ? { org: record.org } : {}),
    ...(record.custody !== undefined ? { custody: record.custody } : {}),
    locations: [...(record.locations ?? [])],
    ...masterDataOf(record),
    registeredAt: record.seqs[0],
    ...(record.revokedAt !== undefined ? { revokedAt: record.revokedAt } : {}),
  }
}

export interface BoundViewInput {
  lang: Lang
  /** the evidence, ascending by seq */
  entries: readonly EvidenceEntry[]
  actors: ReadonlyMap<string, ActorProfile>
  params: Readonly<Record<string, string>>
}

export interface BoundView {
  name: string
  /** The area's inner HTML. Pure: the same input gives the same text on the server and in the browser.
   *  Throws a BoundViewError when the input cannot be what a page showed (a param out of bounds). */
  render(input: BoundViewInput): string
  /** Whether rendering these entries calls code the page script loads on demand (web/lazy-code.ts): the verifier loads it first. */
  needsLazyCode?(entries: readonly EvidenceEntry[]): boolean
}

/** The input is not one a page could honestly have been rendered from; the message says why. */
export class BoundViewError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BoundViewError'
  }
}

export interface BoundArea {
  view: string
  evidence: readonly number[]
  actors: readonly string[]
  params: Readonly<Record<string, string>>
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeAttribute = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c])

/** The opening tag of a bound area, its attributes in the contract's form. */
export function boundAreaOpen(area: BoundArea, tag = 'div', extra = ''): string {
  const evidence = [...new Set(area.evidence)].sort((a, b) => a - b).join(' ')
  return (
    `<${tag} ${BOUND_VIEW_ATTRIBUTE}="${escapeAttribute(area.view)}" ${EVIDENCE_ATTRIBUTE}="${evidence}" ` +
    `${ACTORS_ATTRIBUTE}="${escapeAttribute([...new Set(area.actors)].sort().join(' '))}" ` +
    `${PARAMS_ATTRIBUTE}="${escapeAttribute(JSON.stringify(area.params))}"${extra ? ' ' + extra : ''}>`
  )
}

/** Reads a bound area's attributes as served (attacker input); throws BoundViewError on a malformed one. */
export function readBoundArea(attributes: { get(name: string): string | null }): BoundArea {
  const view = attributes.get(BOUND_VIEW_ATTRIBUTE) ?? ''
  const evidenceText = (attributes.get(EVIDENCE_ATTRIBUTE) ?? '').trim()
  const evidence = evidenceText === '' ? [] : evidenceText.split(/\s+/).map(Number)
  if (evidence.some((seq) => !Number.isSafeInteger(seq) || seq < 0)) throw new BoundViewError(`the evidence list "${evidenceText.slice(0, 80)}" is not a list of seqs`)
  const actorsText = (attributes.get(ACTORS_ATTRIBUTE) ?? '').trim()
  let params: unknown
  try {
    params = JSON.parse(attributes.get(PARAMS_ATTRIBUTE) ?? '{}')
  } catch {
    throw new BoundViewError('the view parameters are not JSON')
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params) || Object.values(params).some((v) => typeof v !== 'string')) {
    throw new BoundViewError('the view parameters are not an object of strings')
  }
  return { view, evidence, actors: actorsText === '' ? [] : actorsText.split(/\s+/), params: params as Record<string, string> }
}

/** The minimal DOM the comparison walks: Node in the browser, a test's own tree elsewhere. */
export interface ComparableNode {
  readonly nodeType: number
  readonly childNodes: ArrayLike<ComparableNode>
  isEqualNode(other: ComparableNode | null): boolean
  getAttribute?(name: string): string | null
  readonly parentNode: ComparableNode | null
}

/** Where two trees first differ: the node as served, or where the served tree lacks one, the derived node. */
export interface Difference {
  served?: ComparableNode
  derived?: ComparableNode
}

/**
 * The first place, in document order, where `served` and `derived` differ: the deepest node whose own
 * attributes or text differ; a node the server added (then `derived` is absent) or left out (then
 * `served` is absent); undefined when the trees are equal.
 */
export function firstDifference(served: ComparableNode, derived: ComparableNode): Difference | undefined {
  if (served.isEqualNode(derived)) return undefined
  const a = served.childNodes
  const b = derived.childNodes
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i].isEqualNode(b[i])) continue
    // Same element, different content inside: descend to what differs.
    if (a[i].nodeType === 1 && b[i].nodeType === 1 && shallowEqual(a[i], b[i])) return firstDifference(a[i], b[i]) ?? { served: a[i], derived: b[i] }
    // A node left out or added: the rest lines up once it is skipped.
    if (i + 1 < b.length && a[i].isEqualNode(b[i + 1])) return { derived: b[i] }
    if (i + 1 < a.length && a[i + 1].isEqualNode(b[i])) return { served: a[i] }
    return { served: a[i], derived: b[i] }
  }
  return a.length > b.length ? { served: a[b.length] } : b.length > a.length ? { derived: b[a.length] } : { served, derived }
}

function shallowEqual(a: ComparableNode, b: ComparableNode): boolean {
  const x = a as unknown as Element
  const y = b as unknown as Element
  if (x.tagName !== y.tagName || x.attributes.length !== y.attributes.length) return false
  for (const attribute of Array.from(x.attributes)) if (y.getAttribute(attribute.name) !== attribute.value) return false
  return true
}

/** The fact a difference is about: the `data-fact` of the differing node or its nearest ancestor below
 *  its area, on the served side, else on the derived side (a fact the server left out). */
export function factOf(difference: Difference): string | undefined {
  for (const node of [difference.served, difference.derived]) {
    for (let at: ComparableNode | null | undefined = node; at; at = at.parentNode) {
      const fact = at.nodeType === 1 ? at.getAttribute?.(FACT_ATTRIBUTE) : null
      if (fact) return fact
      if (at.nodeType === 1 && at.getAttribute?.(BOUND_VIEW_ATTRIBUTE) !== null && at.getAttribute?.(BOUND_VIEW_ATTRIBUTE) !== undefined) break
    }
  }
  return undefined
}
