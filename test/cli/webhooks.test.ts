// `serve --webhook` end to end, with real node processes: the webhooks are kept in D/settings.json; a
// delivery that failed (the receiver is down) is still owed after the node is killed with SIGKILL, and the
// restarted node, told nothing on its command line, delivers it; the receiver verifies it with the key the
// node serves at GET /v1/log/key. Bad flags are refused before the node opens.

import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { verifyAlertDelivery } from '../../src/ledger/alert-envelope.js'
import { freePort } from '../helpers/nginx.js'
import { appendAll, getJson, registrations, runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface Status {
  webhooks: { kind: string; url: string; state: string; backlog: number; delivered: number; failures: number; lastFailure?: { error: string } }[]
}

t.test('a delivery owed when the node is killed -9 is made after its restart, from the saved settings', async (t) => {
  const dir = join(testDir(t), 'node')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/hook`
  const node = await startNode({ dir, args: ['--webhook', `LATE_RECORD=${url}`] })
  t.teardown(() => node.stop())
  t.match(node.output(), `webhook     LATE_RECORD  ${url}`, 'serve says where it delivers')
  t.same(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).webhooks, [{ kind: 'LATE_RECORD', url }], 'kept in the data directory')

  // The receiver is down: the first attempt is refused, and the next is scheduled.
  await appendAll(node.url, registrations(readKeyFile(join(dir, 'keys', 'operator.json')), 'kill', 1))
  await until('a failed attempt', async () => (await getJson<Status>(`${node.url}/v1/webhooks`)).webhooks[0].failures >= 1)
  const before = (await getJson<Status>(`${node.url}/v1/webhooks`)).webhooks[0]
  t.match(before, { kind: 'LATE_RECORD', backlog: 1, delivered: 0 })
  t.match(before.lastFailure?.error, /ECONNREFUSED/)
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  await node.kill9()

  const { received } = await webhookReceiver(t, { port, status: 204 })

  const again = await startNode({ dir })
  t.teardown(() => again.stop())
  await until('the owed delivery', () => received.length >= 1)
  const delivery = verifyAlertDelivery(JSON.parse(received[0]), key)
  t.equal(delivery.alert.kind, 'LATE_RECORD')
  t.equal(delivery.webhook, 'LATE_RECORD')
  t.equal(delivery.alert.actor, 'operator', 'the late registration')
  await until('the state saved', async () => (await getJson<Status>(`${again.url}/v1/webhooks`)).webhooks[0].delivered === 1)
  const after = (await getJson<Status>(`${again.url}/v1/webhooks`)).webhooks[0]
  t.match(after, { backlog: 0, delivered: 1, state: 'idle' })
  t.ok(after.failures >= 1, 'the failures before the kill are remembered')
  await again.stop()
  t.equal(received.length, 1, 'delivered once')
})

t.test('--webhook off clears them; bad flags are refused before anything opens', async (t) => {
  const root = testDir(t)
  const dir = join(root, 'node')
  const node = await startNode({ dir, args: ['--webhook', '*=http://127.0.0.1:9/a', '--webhook', 'OVERDUE=http://inspector:s3cret@127.0.0.1:9/b', '--late-record-hours', '2'] })
  t.same(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), {
    webhooks: [
      { kind: '*', url: 'http://127.0.0.1:9/a' },
      { kind: 'OVERDUE', url: 'http://inspector:s3cret@127.0.0.1:9/b' },
    ],
    lateRecordHours: 2,
  })
  t.match(node.output(), 'webhook     OVERDUE  http://127.0.0.1:9/b', 'serve prints where it delivers')
  t.notMatch(node.output(), 's3cret', 'and not the credentials, which logs keep')
  t.equal(statSync(join(dir, 'settings.json')).mode & 0o777, 0o600, 'the settings, which hold them, are the operator\'s alone')
  t.equal((await getJson<Status>(`${node.url}/v1/webhooks`)).webhooks.length, 2)
  await node.stop()
  const off = await startNode({ dir, args: ['--webhook', 'off'] })
  t.same((await getJson<Status>(`${off.url}/v1/webhooks`)).webhooks, [])
  await off.stop()
  t.same(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')), { webhooks: [], lateRecordHours: 2 }, 'the late-record window kept')
  for (const bad of [['--webhook', 'not-a-kind=http://x/'], ['--webhook', 'OVERDUE=ftp://x/'], ['--late-record-hours', 'soon']]) {
    const fresh = join(root, `bad-${bad[1].length}`)
    const run = await runCli(['serve', '--dir', fresh, '--port', '0', ...bad])
    t.not(run.code, 0, bad.join(' '))
    t.match(run.stderr, /BAD_REQUEST|--webhook|--late-record-hours/)
    t.notOk(existsSync(join(fresh, 'node.json')), 'nothing made')
  }
})
