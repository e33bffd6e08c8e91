// One application to use a seal as an offline proof bundle (docs/bundles.md): the seal's own entries
// (registration, revocation) and every statement of the application, from seal.apply to seal.close, with the
// registrations of their signers back to entry 0, each with a C2SP tlog-proof against `checkpoint`, the one the
// node serves (with witnesses, the latest they cosigned): the application as that checkpoint's tree holds it.

import { fail } from '../core/errors.js'
import type { ProofBundle } from '../core/proof-bundle.js'
import type { Ledger } from '../ledger/ledger.js'
import { noteTreeSize } from '../core/checkpoint.js'
import { buildProofBundle } from '../ledger/proof-bundle.js'
import { applicationView } from './queries.js'
import { getSeal } from './records.js'

/**
 * The bundle of application `applicationId` against `checkpoint` (a signed note the ledger's tree covers).
 * Throws SEAL_NOT_FOUND, also when that checkpoint's tree does not hold the application yet.
 */
export async function applicationBundle(ledger: Ledger, applicationId: string, checkpoint: string): Promise<ProofBundle> {
  const application = await applicationView(ledger, applicationId)
  const seal = await getSeal(ledger.records, application.sealId)
  const size = noteTreeSize(checkpoint)
  if (application.appliedSeq >= size) fail('SEAL_NOT_FOUND', `application ${applicationId} is not yet in the checkpoint this node serves (size ${size})`, { applicationId, size })
  const seqs = [...(seal?.history ?? []), ...application.history].map((item) => item.seq)
  return buildProofBundle(ledger, {
    about: { kind: 'seal-application', applicationId, sealId: application.sealId },
    seqs: seqs.filter((seq) => seq < size),
    checkpoint,
  })
}
