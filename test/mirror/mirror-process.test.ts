// `tracechain mirror` as an operator runs it: a node and a mirror, each its own process on its own port. The
// mirror follows the node's /tlog/ while the node takes appends, answers as the node does, refuses writes with
// the node's URL, and after kill -9 at any moment resumes from its data directory without losing or
// re-taking an entry.

import t from 'tap'
import { join } from 'node:path'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { appendAll, getJson, postJson, registrations, runCli, startMirror, startNode, type NodeProcess, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const DEADLINE_MS = 60_000

async function healthOf(mirror: NodeProcess): Promise<{ ok: boolean; size: number; mirror: { following: boolean; sourceSize: number } }> {
  return (await fetch(`${mirror.url}/healthz`)).json() as never
}

/**
 * Polls until the mirror serves `size` entries and has polled a source of that size; fails the test with its
 * health after the deadline. A mirror restarted with every entry already in its directory serves them before
 * its first poll, and reports a sourceSize of 0 until that poll.
 */
async function caughtUp(mirror: NodeProcess, size: number): Promise<void> {
  const until = Date.now() + DEADLINE_MS
  for (;;) {
    const health = await healthOf(mirror)
    if (health.size >= size && health.mirror.sourceSize >= size) return
    if (Date.now() > until || !health.mirror.following) throw new Error(`the mirror did not reach size ${size}: ${JSON.stringify(health)}\n${mirror.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** An answer with the time it was made (an EPCIS query document's creationDate) left out. */
const text = async (url: string, accept = 'application/json') => {
  const response = await fetch(url, { headers: { accept } })
  return { status: response.status, body: (await response.text()).replace(/"creationDate":"[^"]*"/, '') }
}

t.test('a mirror process follows a node process under load, answers as it does, and survives kill -9', async (t) => {
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const operator = readKeyFile(join(root, 'node', 'keys', 'operator.json'))
  const key = (await text(`${node.url}/v1/log/key`, 'text/plain')).body.trim()
  let mirror = await startMirror({ dir: join(root, 'mirror'), from: `${node.url}/tlog/`, key })
  t.teardown(() => mirror.stop())
  t.match(mirror.output(), `writes to   ${node.url}`)
  // Both warm their traces once they listen (food/trace-warm-up.ts): the node over the demo's lots.
  await until('the warm-ups', async () => (/warmed up {4}food: \d+ traces in \d+ ms\n/.test(mirror.output()) && /warmed up {4}food: 4 traces in \d+ ms\n/.test(node.output())) || undefined)

  // Appends while the mirror follows: it keeps up, and what it serves is always a checkpoint the node signed.
  for (let round = 0; round < 10; round++) await appendAll(node.url, registrations(operator, `load${round}`, 200))
  let size = (await getJson<{ size: number }>(`${node.url}/healthz`)).size
  await caughtUp(mirror, size)
  t.equal((await text(`${mirror.url}/v1/checkpoint`)).body, (await text(`${node.url}/v1/checkpoint`)).body)
  for (const path of ['/v1/alerts', '/v1/actors', '/v1/events', '/01/06901234001037/10/Z260526B', '/tlog/tile/0/004.p/' + (size % 256)]) {
    const answer = await text(mirror.url + path)
    t.equal(answer.status, 200, path)
    t.same(answer, await text(node.url + path), path)
  }

  const write = await postJson<{ code: string; details: { primary: string } }>(`${mirror.url}/v1/statements`, { envelopes: registrations(operator, 'w', 1) })
  t.equal(write.status, 405)
  t.same([write.body.code, write.body.details.primary], ['MIRROR_READ_ONLY', node.url])

  // kill -9 during a catch-up of a few thousand entries, then again right after a restart.
  for (let round = 0; round < 15; round++) await appendAll(node.url, registrations(operator, `more${round}`, 300))
  size = (await getJson<{ size: number }>(`${node.url}/healthz`)).size
  await new Promise((resolve) => setTimeout(resolve, 300))
  await mirror.kill9()
  for (const pause of [0, 200]) {
    mirror = await startMirror({ dir: join(root, 'mirror'), from: `${node.url}/tlog/`, key })
    await new Promise((resolve) => setTimeout(resolve, pause))
    await mirror.kill9()
  }
  mirror = await startMirror({ dir: join(root, 'mirror'), from: `${node.url}/tlog/`, key })
  await caughtUp(mirror, size)
  const health = await healthOf(mirror)
  t.match(health, { ok: true, size, mirror: { following: true, sourceSize: size } })
  t.equal((await text(`${mirror.url}/v1/checkpoint`)).body, (await text(`${node.url}/v1/checkpoint`)).body)
  const last = `/v1/entries/${size - 1}`
  t.same(await text(mirror.url + last), await text(node.url + last), 'the last entry, with its leaf hash')
  // The whole replicated log audits clean on the mirror, as on the node.
  const audit = await getJson<{ ok: boolean; checked: number }>(`${mirror.url}/v1/verify?from=${size - 5000}&to=${size}`)
  t.match(audit, { ok: true, checked: 5000 })

  // And the stopped mirror's directory, as a node's: the same audit, the node's root.
  await mirror.stop()
  const rootHash = Buffer.from((await text(`${node.url}/v1/checkpoint`)).body.split('\n')[2], 'base64').toString('hex')
  const verified = await runCli(['verify', '--dir', join(root, 'mirror')])
  t.equal(verified.code, 0, verified.stdout + verified.stderr)
  t.equal(verified.stdout, `ok: ${size} entries verified; size ${size}; root ${rootHash}\n`)
})
