// Whether a signed statement is about a lot itself: the lot among an event's goods, as an inspection's lot, in a
// recall's ids. A lot's proof bundle (verify-bundle.ts) and the standalone page's lot check (verify-lot.ts) both
// hold the entries they were given for a lot to it: a lot named by the bundle maker or the node is only a word.

import { normaliseHashIdentifier } from '../core/epcis-hash-identifiers.js'
import type { Statement } from '../core/statement.js'
import { isRecord } from './served.js'

/** The identifiers an EPCIS event names as its goods (attacker-controlled: only strings are kept). */
function goodsOf(event: Record<string, unknown>): unknown[] {
  const lists = ['epcList', 'childEPCs', 'inputEPCList', 'outputEPCList'].map((field) => event[field])
  const classes = ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'].map((field) => event[field])
  return [
    event.parentID,
    ...lists.flatMap((list) => (Array.isArray(list) ? list : [])),
    ...classes.flatMap((list) => (Array.isArray(list) ? list.map((q) => (isRecord(q) ? q.epcClass : undefined)) : [])),
  ]
}

/** Whether `statement` names the lot `digitalLink` itself: among an event's goods, as an inspection's lot, in a recall's ids. */
export function namesLot(statement: Statement, digitalLink: string): boolean {
  // One spelling for a lot's EPC URN and its Digital Link on any host: CBV 2.0's canonical Digital Link, its
  // escapes undone (the hash ID's normaliser keeps some characters of a URN, ' : ; =, as they are).
  const canonical = (id: unknown) =>
    typeof id === 'string' ? (normaliseHashIdentifier(id) ?? id).replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : undefined
  const lot = canonical(digitalLink)
  const body = statement.body
  const named =
    statement.type === 'food.event' ? goodsOf(body) : statement.type === 'food.inspection' ? [body.lot] : statement.type === 'food.recall' && Array.isArray(body.ids) ? body.ids : []
  return named.some((id) => canonical(id) === lot)
}
