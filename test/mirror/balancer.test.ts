// Scale-out shown: a node publishes its tiles, nginx serves them, two mirrors follow that copy, and nginx
// balances the pages over the mirrors with the block docs/mirror.md gives operators, the tiles the pages verify
// against coming from the copy the mirrors follow. Headless Chromium scans lots through the balancer to
// "verified" while the node takes appends; the mirror serving them is killed with -9 and the pages go on
// verifying from the other; a write through the balancer reaches the node and comes back through the mirrors.

import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { haveChromium, launchChromium, openVerifiedPage } from '../helpers/chromium.js'
import { documentedServerBlock, freePort, haveNginx, startNginx, startNginxServers, substitute } from '../helpers/nginx.js'
import { getJson, postJson, registrations, startMirror, startNode, type NodeProcess, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const LOTS = ['/01/06901234001037/10/Z260526A', '/01/06901234001037/10/Z260526B', '/01/06901234000115/10/R2605A']

/** Requests a mirror has answered for lot pages, from its own /metrics. */
async function lotPagesServed(mirror: NodeProcess): Promise<number> {
  const metrics = await (await fetch(`${mirror.url}/metrics`)).text()
  return [...metrics.matchAll(/^tracechain_http_request_seconds_count\{[^}]*route="\/01\/[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
}

t.test('two mirrors behind nginx serve verified pages; one dies, the pages go on verifying', async (t) => {
  if (!haveNginx(t) || !haveChromium(t)) return
  const root = testDir(t)
  const published = join(root, 'published')
  const node = await startNode({ dir: join(root, 'node'), args: ['--seed', '--publish', published] })
  t.teardown(() => node.stop())
  const key = (await (await fetch(`${node.url}/v1/log/key`)).text()).trim()
  const size = (await getJson<{ size: number }>(`${node.url}/healthz`)).size
  await until('the first publication', async () => (existsSync(join(published, 'checkpoint')) && readFileSync(join(published, 'checkpoint'), 'utf8') === (await (await fetch(`${node.url}/v1/checkpoint`)).text()) ? true : undefined))

  // The node's tile tree as a CDN would hold it: nginx with the block of docs/static-log.md.
  const tiles = await startNginx(published, join(root, 'nginx-tiles'))
  t.teardown(() => tiles.stop())
  const balancerPort = await freePort()
  const balancer = `http://127.0.0.1:${balancerPort}`
  const mirrors: NodeProcess[] = []
  for (const name of ['mirror-a', 'mirror-b']) {
    const mirror = await startMirror({ dir: join(root, name), from: `${tiles.url}/`, key, args: ['--base-url', balancer, '--primary', node.url] })
    t.teardown(() => mirror.stop())
    mirrors.push(mirror)
  }
  for (const mirror of mirrors) await until('a mirror to catch up', async () => ((await getJson<{ ok: boolean; size: number }>(`${mirror.url}/healthz`)).size >= size ? true : undefined))

  let block = documentedServerBlock('docs/mirror.md')
  block = substitute(block, 'server 10.0.0.11:3000', `server 127.0.0.1:${mirrors[0].port}`)
  block = substitute(block, 'server 10.0.0.12:3000', `server 127.0.0.1:${mirrors[1].port}`)
  block = substitute(block, 'proxy_pass http://10.0.0.10:3000;', `proxy_pass ${node.url};`)
  block = substitute(block, 'proxy_pass http://10.0.0.20/;', `proxy_pass ${tiles.url}/;`)
  block = substitute(block, /listen\s+80;/, `listen 127.0.0.1:${balancerPort};`)
  const nginx = await startNginxServers(block, balancer, join(root, 'nginx-balancer'))
  t.teardown(() => nginx.stop())

  // The node keeps taking appends while pages load: the tiles and the mirrors move on under the pages.
  const operator = readKeyFile(join(root, 'node', 'keys', 'operator.json'))
  let appending = true
  let rounds = 0
  const appender = (async () => {
    while (appending) {
      await postJson(`${node.url}/v1/statements`, { envelopes: registrations(operator, `bg${rounds++}`, 50) })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  t.teardown(async () => {
    appending = false
    await appender
  })

  const { page, errors } = await launchChromium(t, 'en-US')
  const pin = `#log=${logKeyIdOf(key)}`
  for (const path of [...LOTS, ...LOTS]) {
    const { state, status } = await openVerifiedPage(page, `${balancer}${path}?lang=en${pin}`)
    t.equal(state, 'verified', `${path} through the balancer: ${status}`)
  }
  const served = await Promise.all(mirrors.map(lotPagesServed))
  const busy = served.findIndex((count) => count > 0)
  t.ok(busy >= 0, `a mirror served the pages (${served.join(' and ')})`)

  // The balancer keeps a client on one mirror; kill that one.
  await mirrors[busy].kill9()
  for (const path of [...LOTS, ...LOTS]) {
    const { state, status } = await openVerifiedPage(page, `${balancer}${path}?lang=en${pin}`)
    t.equal(state, 'verified', `${path} with one mirror dead: ${status}`)
  }
  t.ok((await lotPagesServed(mirrors[1 - busy])) > 0, 'the other mirror served them')

  appending = false
  await appender
  t.ok(rounds > 3, `${rounds} batches appended while the pages loaded`)

  // A write through the balancer reaches the node; the surviving mirror serves it once the tiles have it.
  const write = await postJson<{ results: { seq: number }[] }>(`${balancer}/v1/statements`, { envelopes: registrations(operator, 'lb', 1) })
  t.equal(write.status, 200)
  const seq = write.body.results[0].seq
  const entry = await until('the new entry through the balancer', async () => {
    const response = await fetch(`${balancer}/v1/entries/${seq}`)
    return response.ok ? ((await response.json()) as { entry: { seq: number } }) : undefined
  })
  t.equal(entry.entry.seq, seq)
  t.same(errors, [], 'no page errors')
})
