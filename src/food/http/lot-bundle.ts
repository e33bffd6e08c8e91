// A lot as an offline proof bundle (docs/bundles.md): the entries its consumer page shows and verifies (its
// events, inspections, recall and the products they name: provenance-evidence.ts, the page's data-evidence),
// the registrations of every actor the page names, and of their signers back to entry 0, each entry with a
// C2SP tlog-proof against the checkpoint the node serves (with witnesses, the latest they cosigned): the lot
// as that checkpoint's tree holds it.

import { buildDigitalLink, gtinElements } from '../../core/digital-link-path.js'
import { fail } from '../../core/errors.js'
import type { ProofBundle } from '../../core/proof-bundle.js'
import type { Ledger } from '../../ledger/ledger.js'
import { noteTreeSize } from '../../core/checkpoint.js'
import { buildProofBundle } from '../../ledger/proof-bundle.js'
import { parseIdentifier } from '../identifiers.js'
import type { Provenance } from '../provenance.js'
import { provenanceEvidence } from './provenance-evidence.js'

/**
 * The bundle of the lot `provenance` resolved, against `checkpoint` (a signed note the ledger's tree covers).
 * Throws BUNDLE_NOT_AVAILABLE unless it is a lot (GTIN and lot, no serial or variant), NOT_FOUND when that
 * checkpoint's tree holds nothing of it.
 */
export async function lotBundle(ledger: Ledger, provenance: Provenance, checkpoint: string): Promise<{ bundle: ProofBundle; fileName: string }> {
  const { gtin, lot, serial, cpv } = parseIdentifier(provenance.digitalLink)
  if (gtin === undefined || lot === undefined || serial !== undefined || cpv !== undefined) {
    fail('BUNDLE_NOT_AVAILABLE', `a proof bundle is made for a lot, /01/{gtin}/10/{lot}; ${provenance.digitalLink} is not one`, { digitalLink: provenance.digitalLink })
  }
  if (provenance.events.length === 0 && provenance.inspections.length === 0 && !provenance.recall) {
    fail('NOT_FOUND', `the ledger holds no entry about lot ${lot} of ${gtin}`, { gtin, lot })
  }
  const { input, actors } = await provenanceEvidence(ledger, provenance, provenance.digitalLink)
  // Entries newer than the served checkpoint are not in its tree yet: the bundle is the lot as that tree holds it.
  const size = noteTreeSize(checkpoint)
  const seqs = input.entries.map((entry) => entry.seq).filter((seq) => seq < size)
  if (seqs.length === 0) fail('NOT_FOUND', `the checkpoint this node serves (size ${size}) holds no entry about lot ${lot} of ${gtin} yet`, { gtin, lot, size })
  const bundle = await buildProofBundle(ledger, {
    about: { kind: 'lot', gtin, lot, digitalLink: buildDigitalLink(gtinElements({ gtin, lot })) },
    seqs,
    actors,
    checkpoint,
  })
  return { bundle, fileName: `${gtin}-${lot}` }
}
