// A lot's label from what the ledger knows: the id (EPC URN or Digital Link) parsed by food/, the
// product's name from its food.product statement, the URI on the node's public base with the log's
// key id in its fragment (labels/).

import { fail } from '../../core/errors.js'
import { canonicalObject } from '../objects.js'
import { SPACES, type ObjectRecord, type ProductRecord } from '../records.js'
import type { RecordReader } from '../../ledger/kinds.js'
import { buildLabelUri, traceCodeOf, type LabelTarget } from '../../labels/digital-link.js'
import { buildLabelSvg, type LabelContent, type LabelSize } from '../../labels/label.js'

/** Where a label points: the node's public base URL and the key id of its log (`#log=`). */
export interface LabelLink {
  baseUrl: string
  logKeyId: string
}

/**
 * The GTIN, lot and serial an id names. Attacker-controlled; throws IDENTIFIER_INVALID or CHECK_DIGIT_INVALID,
 * IDENTIFIER_INVALID with reason DOT_SEGMENT for a lot or serial "." or "..", which no browser keeps in a URI.
 */
export function labelTargetOf(id: string): LabelTarget {
  return targetOf(id).target
}

function targetOf(id: string): { target: LabelTarget; key: string } {
  const { identifier, key } = canonicalObject(id)
  if (!identifier.gtin || identifier.cpv !== undefined) {
    fail('IDENTIFIER_INVALID', `${id}: a label names a GTIN, a lot (GTIN + lot) or an item (GTIN + serial)`, { identifier: id })
  }
  // A phone's browser drops "." and ".." path segments (escaped or not, WHATWG URL) from the URI it scans.
  for (const value of [identifier.lot, identifier.serial]) {
    if (value === '.' || value === '..') {
      fail('IDENTIFIER_INVALID', `${id}: a lot or serial "${value}" cannot be printed: a browser drops it from the label's URI`, { identifier: id, reason: 'DOT_SEGMENT' })
    }
  }
  const target = {
    gtin: identifier.gtin,
    ...(identifier.lot !== undefined ? { lot: identifier.lot } : {}),
    ...(identifier.serial !== undefined ? { serial: identifier.serial } : {}),
  }
  return { target, key }
}

/**
 * The label content of `id` on `link.baseUrl`, pinned to `link.logKeyId`. With a reader, the product must be registered and a lot or
 * item must be one an event named (NOT_FOUND otherwise: a label must not print a name the ledger does
 * not vouch for, nor send a shopper to a lot it has never seen); without one (an offline label) the
 * product name is left off.
 */
export async function buildLotLabel(id: string, link: LabelLink, reader?: RecordReader): Promise<LabelContent> {
  const { target, key } = targetOf(id)
  let productName: LabelContent['productName'] = null
  if (reader) {
    const product = await reader.get<ProductRecord>(SPACES.product, target.gtin)
    if (!product) fail('NOT_FOUND', `no product registered for GTIN ${target.gtin}`, { gtin: target.gtin })
    if ((target.lot !== undefined || target.serial !== undefined) && !(await reader.get<ObjectRecord>(SPACES.object, key))) {
      fail('NOT_FOUND', `the ledger has no event naming ${id}`, { identifier: id })
    }
    productName = product.name
  }
  return { uri: buildLabelUri(link.baseUrl, target, link.logKeyId), productName, ...target, traceCode: traceCodeOf(target) }
}

export async function buildLotLabelSvg(id: string, link: LabelLink, size: LabelSize, reader?: RecordReader): Promise<string> {
  return buildLabelSvg(await buildLotLabel(id, link, reader), size)
}
