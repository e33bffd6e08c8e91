// One application to use a seal as an offline proof bundle (docs/bundles.md): the seal's own entries
// (registration, revocation) and every statement of the application, from seal.apply to seal.close, with the
// registrations of their signers back to entry 0, each with a C2SP tlog-proof against the latest checkpoint.

import { parseCheckpoint } from '../core/checkpoint.js'
import type { ProofBundle } from '../core/proof-bundle.js'
import { parseSignedNote } from '../core/signed-note.js'
import type { Ledger } from '../ledger/ledger.js'
import { buildProofBundle } from '../ledger/proof-bundle.js'
import { applicationView } from './queries.js'
import { getSeal } from './records.js'

/** The bundle of application `applicationId`. Throws SEAL_NOT_FOUND. */
export async function applicationBundle(ledger: Ledger, applicationId: string): Promise<ProofBundle> {
  // The note first: everything read after it is at least as new, and only what its tree holds is proved.
  const checkpoint = ledger.checkpoint
  const application = await applicationView(ledger, applicationId)
  const seal = await getSeal(ledger.records, application.sealId)
  const seqs = [...(seal?.history ?? []), ...application.history].map((item) => item.seq)
  const { size } = parseCheckpoint(parseSignedNote(checkpoint).text)
  return buildProofBundle(ledger, {
    about: { kind: 'seal-application', applicationId, sealId: application.sealId },
    seqs: seqs.filter((seq) => seq < size),
    checkpoint,
  })
}
