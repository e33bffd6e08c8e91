// GET /v1/bundles/entries/:seq: one entry as an offline proof bundle (docs/bundles.md), with the registry
// entries of its signers back to entry 0, each with a C2SP tlog-proof against the checkpoint the node serves
// (with witnesses, the latest they cosigned). A lot's bundle is the resolver's (Accept:
// application/vnd.tracechain.bundle+json), an application's the seal routes'.

import type { FastifyPluginAsync } from 'fastify'
import { BUNDLE_MEDIA_TYPE } from '../../core/proof-bundle.js'
import type { Ledger } from '../../ledger/ledger.js'
import { fail } from '../../core/errors.js'
import { noteTreeSize } from '../../core/checkpoint.js'
import { buildProofBundle } from '../../ledger/proof-bundle.js'
import { bundleReply } from '../bundle-reply.js'
import { PUBLIC_READ } from '../cors.js'

export const bundleRoutes: FastifyPluginAsync<{ ledger: Ledger; servedCheckpoint?: () => string }> = async (
  app,
  { ledger, servedCheckpoint = () => ledger.checkpoint },
) => {
  app.get(
    '/v1/bundles/entries/:seq',
    {
      config: PUBLIC_READ,
      schema: {
        summary: `One entry as an offline proof bundle (${BUNDLE_MEDIA_TYPE}): the entry, its signers' registry entries back to entry 0, each with a C2SP tlog-proof`,
        tags: ['log'],
        params: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } }, additionalProperties: false },
      },
    },
    async (request, reply) => {
      const { seq } = request.params as { seq: number }
      // ENTRY_NOT_FOUND (404) for a seq beyond the log, before any bundle is built.
      await ledger.getEntryBytes(seq)
      const checkpoint = servedCheckpoint()
      const size = noteTreeSize(checkpoint)
      // Appended, but not yet in the checkpoint served (its witnesses have not cosigned one that covers it).
      if (seq >= size) fail('ENTRY_NOT_FOUND', `entry ${seq} is not yet in the checkpoint this node serves (size ${size}); retry shortly`, { seq, size })
      const bundle = await buildProofBundle(ledger, { about: { kind: 'entry', seq }, seqs: [seq], checkpoint })
      return bundleReply(reply, bundle, `entry-${seq}`)
    },
  )
}
