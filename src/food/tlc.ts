// Traceability lot codes in GS1 element string form, "(01)GTIN(10)lot" (GS1 General Specifications
// section 3, the AIs 01, 10, 21, 00), to and from the identifiers the ledger keeps.

import { buildDigitalLink, type DigitalLinkElement } from '../core/digital-link-path.js'
import { parseIdentifier } from './identifiers.js'

/** The GS1 element string of a lot: (01)GTIN(10)lot; (01)GTIN(21)serial for an item, (00)SSCC for a logistic unit. */
export function formatTlc(id: string): string {
  let identifier: ReturnType<typeof parseIdentifier>
  try {
    identifier = parseIdentifier(id)
  } catch {
    return id
  }
  const { gtin, lot, serial, sscc } = identifier as { gtin?: string; lot?: string; serial?: string; sscc?: string }
  if (gtin) return `(01)${gtin}${lot !== undefined ? `(10)${lot}` : ''}${serial !== undefined ? `(21)${serial}` : ''}`
  if (sscc) return `(00)${sscc}`
  return id
}

/** A TLC in GS1 element string form as a Digital Link; undefined for anything else. */
export function digitalLinkOfTlc(text: string): string | undefined {
  const match = /^\((01|00)\)(\d{14}|\d{18})(?:\(10\)([^()]{1,20}))?(?:\(21\)([^()]{1,20}))?$/.exec(text.trim())
  if (!match) return undefined
  const [, ai, value, lot, serial] = match
  const elements: DigitalLinkElement[] = [[ai, value]]
  if (lot !== undefined) elements.push(['10', lot])
  if (serial !== undefined) elements.push(['21', serial])
  return buildDigitalLink(elements)
}
