// Capture in custody end to end, on a real node process and port: `tracechain actor custody` makes the key
// and token, the operator registers it with custody "node" through sign and submit, GS1's example documents
// go to POST /capture, GET /capture/{id} reports the job, and `tracechain verify` audits the result. A node
// killed with SIGKILL in the middle of a job finishes it after a restart, appending each event once.

import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EXIT_ERROR } from '../../src/cli/exit-codes.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { ROOT, runCli as run, startNode, until, type NodeProcess } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const EXAMPLES = join(ROOT, 'test/fixtures/gs1-epcis/JSON')

type Json = Record<string, any>

/** `actor custody` for `id` in the node's directory, then its registration by the operator through the CLI. */
async function custodyActor(t: Test, url: string, dataDir: string, id: string): Promise<string> {
  const made = await run(['actor', 'custody', id, '--dir', dataDir, '--json'])
  t.equal(made.code, 0, made.stderr)
  const { publicKey, keyFile, token } = JSON.parse(made.stdout) as Json
  t.equal(statSync(keyFile).mode & 0o777, 0o600, 'the custodial key is readable by its owner only')
  t.equal(statSync(join(dataDir, 'keys/custody', `${id}.token`)).mode & 0o777, 0o600)
  t.notOk(readFileSync(join(dataDir, 'keys/custody', `${id}.token`), 'utf8').includes(token.split('.').pop()), 'the token is stored hashed')
  const body = join(dataDir, '..', `${id}.body.json`)
  writeFileSync(body, JSON.stringify({ id, name: { en: id }, roles: ['processor'], publicKey, custody: 'node' }))
  const signed = await run(['sign', '--key', join(dataDir, 'keys/operator.json'), '--type', 'actor.register', '--actor', 'operator', '--id', `register-${id}`, '--body', body])
  t.equal(signed.code, 0, signed.stderr)
  const envelope = join(dataDir, '..', `${id}.envelope.json`)
  writeFileSync(envelope, signed.stdout)
  const submitted = await run(['submit', '--url', url, envelope])
  t.equal(submitted.code, 0, submitted.stdout + submitted.stderr)
  return token as string
}

async function capture(url: string, token: string, document: string): Promise<Response> {
  return fetch(`${url}/capture`, { method: 'POST', headers: { 'content-type': 'application/ld+json', authorization: `Bearer ${token}` }, body: document })
}

async function job(url: string, location: string, token: string): Promise<Json> {
  const response = await fetch(new URL(location, url), { headers: { authorization: `Bearer ${token}` } })
  if (response.status !== 200) throw new Error(`${location}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Json
}

const size = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as Json).size as number

t.test('actor custody, registration, POST /capture of GS1 examples, the job, tracechain verify', async (t) => {
  const dataDir = join(testDir(t), 'data')
  const node = await startNode({ dir: dataDir })
  t.teardown(() => node.stop())
  const token = await custodyActor(t, node.url, dataDir, 'erp-farm')
  t.equal(execFileSync('git', ['check-ignore', '-q', '--no-index', 'data/keys/custody/erp-farm.json'], { cwd: ROOT, stdio: 'pipe' }).length, 0, 'custodial keys under ./data are git-ignored')

  let appended = 0
  for (const name of ['Example_9.6.1-ObjectEvent.jsonld', 'Example_9.6.3-AggregationEvent.jsonld', 'Example_9.6.4-TransformationEvent.jsonld']) {
    const before = await size(node.url)
    const response = await capture(node.url, token, readFileSync(join(EXAMPLES, name), 'utf8'))
    t.equal(response.status, 202, name)
    const location = response.headers.get('location') as string
    t.match(location, /^\/capture\/c[a-z0-9]+$/)
    const done = await until(`${name} captured`, async () => {
      const state = await job(node.url, location, token)
      return state.running ? undefined : state
    })
    t.match(done, { success: true, errors: [] }, name)
    t.equal(await size(node.url), before + done.eventCount, `${name}: ${done.eventCount} entries`)
    appended += done.eventCount
  }
  t.ok(appended >= 4)

  // A rotated token counts at once, without a restart; the old one is refused.
  const rotated = await run(['actor', 'token', 'erp-farm', '--dir', dataDir, '--json'])
  t.equal(rotated.code, 0, rotated.stderr)
  const newToken = JSON.parse(rotated.stdout).token as string
  const old = await capture(node.url, token, readFileSync(join(EXAMPLES, 'Example_9.6.2-ObjectEvent.jsonld'), 'utf8'))
  t.equal(old.status, 401)
  t.equal(((await old.json()) as Json).code, 'UNAUTHORIZED')
  const fresh = await capture(node.url, newToken, readFileSync(join(EXAMPLES, 'Example_9.6.2-ObjectEvent.jsonld'), 'utf8'))
  t.equal(fresh.status, 202)
  await until('captured with the new token', async () => ((await job(node.url, fresh.headers.get('location') as string, newToken)).running ? undefined : true))

  const again = await run(['actor', 'custody', 'erp-farm', '--dir', dataDir])
  t.equal(again.code, EXIT_ERROR, 'a second custodial key for the same actor is refused')
  t.match(again.stderr, /ALREADY_INITIALISED/)

  const verify = await run(['verify', '--url', node.url])
  t.equal(verify.code, 0, verify.stdout + verify.stderr)

  // The consumer page of a captured item says the platform signed, and the browser verifies it all the same.
  if (haveChromium(t)) {
    const { page } = await launchChromium(t, 'zh-CN')
    const verdict = await openVerifiedPage(page, `${node.url}/01/10614141073464/21/2017`)
    t.equal(verdict.state, 'verified', verdict.status)
    t.match(await page.textContent('[data-fact="custody"]'), '由平台代签 · signed by the platform for erp-farm')
  }
})

t.test('kill -9 during a capture job: after a restart the job finishes, each event appended once', async (t) => {
  const dataDir = join(testDir(t), 'data')
  let node: NodeProcess = await startNode({ dir: dataDir })
  t.teardown(() => node.stop())
  const token = await custodyActor(t, node.url, dataDir, 'erp-big')
  const count = 1000
  // GS1's first example event, a thousand times over, each with an id and an object of its own.
  const template = JSON.parse(readFileSync(join(EXAMPLES, 'Example_9.6.1-ObjectEvent.jsonld'), 'utf8')).epcisBody.eventList[0] as Json
  const events = Array.from({ length: count }, (_, i) => ({ ...template, eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, epcList: [`urn:epc:id:sgtin:0614141.107346.kill-${i}`] }))
  const document = JSON.stringify({ '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-06-01T00:00:00.000Z', epcisBody: { eventList: events } })
  const before = await size(node.url)
  const response = await capture(node.url, token, document)
  t.equal(response.status, 202)
  const location = response.headers.get('location') as string
  // Killed once a slice has landed, so the restart finds a job part done (and maybe a slice appended but not yet counted).
  const atKill = await until('a first slice captured', async () => {
    const state = await job(node.url, location, token)
    return state.done > 0 ? state : undefined
  })
  await node.kill9()
  t.comment(`killed with ${atKill.done} of ${count} events done`)
  node = await startNode({ dir: dataDir })
  const done = await until('the job finished after the restart', async () => {
    const state = await job(node.url, location, token)
    return state.running ? undefined : state
  }, 120_000)
  t.match(done, { running: false, success: true, errors: [], eventCount: count })
  t.same([...new Set(done.captured.map((c: Json) => c.eventIndex))].length, count, 'every event accounted for')
  t.equal(await size(node.url), before + count, 'each event appended exactly once')
  const verify = await run(['verify', '--url', node.url])
  t.equal(verify.code, 0, verify.stdout + verify.stderr)
})
