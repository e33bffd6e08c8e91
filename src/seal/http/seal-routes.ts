// Seal routes: GET /v1/seals, /v1/seals/:id, /v1/seals/applications/:id (JSON), and /seals/:id, the
// public page of one seal (村务公开). The logic lives in src/seal/.

import type { FastifyPluginAsync } from 'fastify'
import { htmlReply } from '../../http/html-reply.js'
import type { Ledger } from '../../ledger/ledger.js'
import { applicationAlerts, overdueAlertSource } from '../alerts.js'
import { sealConfig, type SealConfig } from '../config.js'
import { renderSealPage } from '../page.js'
import { applicationView, listSeals, sealView } from '../queries.js'

const idParams = (what: string) => ({
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', description: `the ${what} id` } },
})

export const sealRoutes: FastifyPluginAsync<{ ledger: Ledger; clock: () => Date; config?: Partial<SealConfig> }> = async (
  app,
  { ledger, clock, config: overrides },
) => {
  const config = sealConfig(overrides)
  const overdue = overdueAlertSource(config)

  app.get('/v1/seals', { schema: { summary: 'Every registered seal', tags: ['seals'] } }, async () => ({ seals: await listSeals(ledger) }))

  app.get(
    '/v1/seals/:id',
    { schema: { summary: 'One seal: state, custodian, approvers, applications, uses, and the seqs that made it', tags: ['seals'], params: idParams('seal') } },
    async (request) => ({ seal: (await sealView(ledger, (request.params as { id: string }).id)).seal }),
  )

  app.get(
    '/v1/seals/applications/:id',
    { schema: { summary: 'One application to use a seal, with its history', tags: ['seals'], params: idParams('application') } },
    async (request) => applicationView(ledger, (request.params as { id: string }).id),
  )

  app.get(
    '/seals/:id',
    { schema: { summary: 'The public page of a seal (村务公开, HTML)', tags: ['seals'], params: idParams('seal') } },
    async (request, reply) => {
      const { seal, applications } = await sealView(ledger, (request.params as { id: string }).id)
      const alerts = new Map(await Promise.all(applications.map(async (a) => [a.applicationId, await applicationAlerts(ledger.records, a.applicationId)] as const)))
      for (const alert of await overdue(ledger, clock())) alerts.get(alert.applicationIds?.[0] ?? '')?.push(alert)
      const html = renderSealPage({ seal, applications, alerts, actor: (id) => ledger.actors.get(id), config })
      return htmlReply(reply, 200).send(html)
    },
  )
}
