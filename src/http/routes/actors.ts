// GET /v1/actors[/:id]: the registry's current state, with the seqs that made it; readable from any
// origin, as the browser verifier reads it (cors.ts).

import type { FastifyPluginAsync } from 'fastify'
import { fail } from '../../core/errors.js'
import type { Ledger } from '../../ledger/ledger.js'
import type { ActorRecord } from '../../ledger/registry.js'
import { PUBLIC_READ } from '../cors.js'
import type { DemoKeys } from '../demo-keys.js'

function publicView(actor: ActorRecord, demoKeys: DemoKeys) {
  return {
    id: actor.id,
    name: actor.name,
    roles: actor.roles,
    ...(actor.org !== undefined ? { org: actor.org } : {}),
    // The node signs for it (POST /capture): its statements say what the platform was told, not what the actor signed itself.
    ...(actor.custody !== undefined ? { custody: actor.custody } : {}),
    locations: actor.locations,
    ...(actor.locationChildren !== undefined ? { locationChildren: actor.locationChildren } : {}),
    ...(actor.address !== undefined ? { address: actor.address } : {}),
    ...(actor.contact !== undefined ? { contact: actor.contact } : {}),
    status: actor.revokedAt !== undefined ? 'revoked' : 'active',
    keys: actor.keys,
    ...(actor.revokedAt !== undefined ? { revokedAt: actor.revokedAt, revokeReason: actor.revokeReason } : {}),
    seqs: actor.seqs,
    // Its key's private half is in the repository: anyone can sign as it.
    ...(demoKeys.isDemoActor(actor) ? { demo: true } : {}),
  }
}

/** An actor id as actor.register's schema has it, for a query's list of them. */
export const ACTOR_ID = '[A-Za-z0-9._-]{1,64}'
/** Actors one request may name: a page's signers and the actors its facts name. */
export const MAX_ACTOR_IDS = 100

export const actorRoutes: FastifyPluginAsync<{ ledger: Ledger; demoKeys: DemoKeys }> = async (app, { ledger, demoKeys }) => {
  app.get(
    '/v1/actors',
    {
      config: PUBLIC_READ,
      schema: {
        summary: 'Every registered actor, those that hold or held a key of this keyid, or those of these ids (one request for a page that names several)',
        tags: ['actors'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keyid: { type: 'string', pattern: '^[0-9a-f]{16}$', description: 'lowercase hex of the first 8 bytes of SHA-256(public key)' },
            ids: { type: 'string', pattern: `^${ACTOR_ID}(,${ACTOR_ID}){0,${MAX_ACTOR_IDS - 1}}$`, description: `up to ${MAX_ACTOR_IDS} actor ids, comma-separated; those not registered are left out` },
          },
        },
      },
    },
    async (request) => {
      const { keyid, ids } = request.query as { keyid?: string; ids?: string }
      if (keyid !== undefined && ids !== undefined) fail('BAD_REQUEST', 'ask by keyid or by ids, not both')
      if (ids !== undefined) {
        const known = [...new Set(ids.split(','))].flatMap((id) => ledger.actors.get(id) ?? [])
        return { actors: known.map((actor) => publicView(actor, demoKeys)) }
      }
      if (keyid === undefined) return { actors: ledger.actors.all().map((actor) => publicView(actor, demoKeys)) }
      return { actors: ledger.actors.actorsWithKeyId(keyid).map((id) => publicView(ledger.actors.get(id) as ActorRecord, demoKeys)) }
    },
  )

  app.get(
    '/v1/actors/:id',
    {
      config: PUBLIC_READ,
      schema: {
        summary: 'One actor',
        tags: ['actors'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string }
      const actor = ledger.actors.get(id)
      if (!actor) fail('NOT_FOUND', `no actor ${id}`, { actor: id })
      return { actor: publicView(actor, demoKeys) }
    },
  )
}
