// Hunt (time): an application recorded with a due date already past is OVERDUE the moment it is recorded (a clerk
// filing a matter late, 补录). OVERDUE's `at` was the end of its due day, a time before the application existed, so
// its position in the one order of alerts fell behind what the alert stream had already covered and behind every
// webhook's cursor: GET /v1/alerts listed it, but the stream never sent it and no webhook ever delivered it. Now an
// OVERDUE is at the later of the end of its due day and the application's recording, as the node first knew it.

import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/http/app.js'
import { verifyAlertDelivery } from '../../src/ledger/alert-envelope.js'
import { WebhookDispatcher } from '../../src/publish/webhooks.js'
import { overdueAlertSource } from '../../src/seal/alerts.js'
import { openEventStream } from '../helpers/sse.js'
import { SEAL, village } from '../helpers/seal.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'

t.test('an application already past its due date when recorded is sent on the stream and delivered by a webhook', async (t) => {
  const v = await village(t)
  const clock = () => new Date(v.now())
  const app = await buildApp({ ledger: v.node.ledger, config: { baseUrl: 'http://127.0.0.1', alertStreams: { computedIntervalMs: 50 } }, clock })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const { received, url: hookUrl } = await webhookReceiver(t)
  const hooks = new WebhookDispatcher({
    ledger: v.node.ledger,
    store: v.node.store,
    nodeSigner: v.node.nodeSigner,
    origin: v.node.config.origin,
    targets: [{ kind: '*', url: hookUrl }],
    sources: [overdueAlertSource()],
    timing: { idleCheckMs: 50 },
    clock,
  })
  t.teardown(() => hooks.close())
  await hooks.start()

  // A matter over its budget: the webhook delivers its alert, and its cursor is at 10:00 on 1 June.
  await v.apply('over', { amount: 52000, budget: 45000 })
  const until = Date.now() + 3000
  while (received.length === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(received.length, 1, 'the first alert delivered')
  const stream = await openEventStream(t, `${base}/v1/alerts/stream?kind=OVERDUE`)
  // An hour on, a matter due two weeks ago is filed: it is overdue from the moment it is recorded.
  v.setNow('2026-06-01T03:00:00.000Z')
  await new Promise((resolve) => setTimeout(resolve, 200))
  v.setNow('2026-06-01T03:00:01.000Z') // the stream last looked at 03:00:00; this test's clock moves only when told
  await v.apply('late-filed', { dueDate: '2026-05-15' })

  const listed = (await v.get('/v1/alerts?kind=OVERDUE')).json().alerts as { applicationIds: string[]; at: string }[]
  t.same(listed.map((a) => a.applicationIds), [['late-filed']], 'GET /v1/alerts lists it')
  t.equal(listed[0].at, '2026-06-01T03:00:01.000Z', 'at the time the node recorded it, not two weeks before it existed')
  const event = await Promise.race([stream.next(), new Promise<undefined>((resolve) => setTimeout(resolve, 3000))])
  t.ok(event, 'the stream sends it')
  if (event) t.match(JSON.parse(event.data), { kind: 'OVERDUE', applicationIds: ['late-filed'], sealId: SEAL })
  const end = Date.now() + 3000
  while (received.length < 2 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(received.length, 2, 'a webhook delivers it')
  if (received.length > 1) t.match(verifyAlertDelivery(JSON.parse(received[1]), v.node.ledger.verifierKey).alert, { kind: 'OVERDUE', applicationIds: ['late-filed'] })
})
