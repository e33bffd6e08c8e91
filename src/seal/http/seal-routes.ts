// Seal routes: GET /v1/seals, /v1/seals/:id, /v1/seals/applications/:id (JSON), and /seals/:id?page=,
// the public page of one seal (村务公开). The logic lives in src/seal/.

import type { FastifyPluginAsync } from 'fastify'
import { htmlReply } from '../../http/html-reply.js'
import type { Ledger } from '../../ledger/ledger.js'
import { applicationAlerts, overdueAlertSource } from '../alerts.js'
import { attemptsAbout } from '../attempts.js'
import { sealConfig, type SealConfig } from '../config.js'
import { APPLICATIONS_PER_PAGE, ATTEMPT_GROUPS_SHOWN, renderSealPage, type AttemptList } from '../page.js'
import { applicationView, listSeals, sealView } from '../queries.js'

const idParams = (what: string) => ({
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$', description: `the ${what} id` } },
})

/** The last page number a request may ask for: a million applications. */
const MAX_PAGE = 50_000

/** Stored alerts shown for one application: pattern alerts are few; attempts kept one per refusal by earlier versions are not. */
const ALERTS_SHOWN = 50

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
    {
      schema: {
        summary: 'The public page of a seal (村务公开, HTML), its applications a page at a time',
        tags: ['seals'],
        params: idParams('seal'),
        querystring: {
          type: 'object',
          properties: { page: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1, description: `the page, ${APPLICATIONS_PER_PAGE} applications each` } },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const { page: number } = request.query as { page: number }
      const { seal, applications } = await sealView(ledger, id)
      const onPage = applications.slice((number - 1) * APPLICATIONS_PER_PAGE, number * APPLICATIONS_PER_PAGE)
      const alerts = new Map(await Promise.all(onPage.map(async (a) => [a.applicationId, await applicationAlerts(ledger.records, a.applicationId, ALERTS_SHOWN)] as const)))
      for (const alert of await overdue(ledger, clock())) alerts.get(alert.applicationIds?.[0] ?? '')?.push(alert)
      const attemptList = async (applicationId: string | undefined): Promise<AttemptList> => {
        const found = await attemptsAbout(ledger.records, id, applicationId, ATTEMPT_GROUPS_SHOWN + 1)
        return { shown: found.slice(0, ATTEMPT_GROUPS_SHOWN), more: found.length > ATTEMPT_GROUPS_SHOWN }
      }
      const attempts = new Map(await Promise.all(onPage.map(async (a) => [a.applicationId, await attemptList(a.applicationId)] as const)))
      const sealAttempts = number === 1 ? await attemptList(undefined) : { shown: [], more: false }
      const page = { number, count: Math.max(1, Math.ceil(applications.length / APPLICATIONS_PER_PAGE)) }
      const html = renderSealPage({ seal, applications: onPage, alerts, attempts, sealAttempts, page, actor: (actorId) => ledger.actors.get(actorId), config })
      return htmlReply(reply, 200).send(html)
    },
  )
}
