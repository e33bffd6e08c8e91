// A lot as an offline proof bundle (docs/bundles.md): the entries its consumer page shows and verifies (its
// events, inspections, recall and the products they name: provenance-evidence.ts, the page's data-evidence),
// the registrations of every actor the page names, and of their signers back to entry 0, each entry with a
// C2SP tlog-proof against the checkpoint the lot's provenance was read at.

import { buildDigitalLink, gtinElements } from '../../core/digital-link.js'
import { fail } from '../../core/errors.js'
import type { ProofBundle } from '../../core/proof-bundle.js'
import type { Ledger } from '../../ledger/ledger.js'
import { buildProofBundle } from '../../ledger/proof-bundle.js'
import { parseIdentifier } from '../identifiers.js'
import type { Provenance } from '../provenance.js'
import { provenanceEvidence } from './provenance-evidence.js'

/**
 * The bundle of the lot `provenance` resolved. Throws BUNDLE_NOT_AVAILABLE unless it is a lot (GTIN and lot,
 * no serial or variant), NOT_FOUND when the ledger holds nothing of it.
 */
export async function lotBundle(ledger: Ledger, provenance: Provenance): Promise<{ bundle: ProofBundle; fileName: string }> {
  const { gtin, lot, serial, cpv } = parseIdentifier(provenance.digitalLink)
  if (gtin === undefined || lot === undefined || serial !== undefined || cpv !== undefined) {
    fail('BUNDLE_NOT_AVAILABLE', `a proof bundle is made for a lot, /01/{gtin}/10/{lot}; ${provenance.digitalLink} is not one`, { digitalLink: provenance.digitalLink })
  }
  if (provenance.events.length === 0 && provenance.inspections.length === 0 && !provenance.recall) {
    fail('NOT_FOUND', `the ledger holds no entry about lot ${lot} of ${gtin}`, { gtin, lot })
  }
  const { input, actors } = await provenanceEvidence(ledger, provenance, provenance.digitalLink)
  const bundle = await buildProofBundle(ledger, {
    about: { kind: 'lot', gtin, lot, digitalLink: buildDigitalLink(gtinElements({ gtin, lot })) },
    seqs: input.entries.map((entry) => entry.seq),
    actors,
    // The note the provenance was read at: its entries are all in that tree.
    checkpoint: provenance.checkpoint,
  })
  return { bundle, fileName: `${gtin}-${lot}` }
}
