// Hunt 3 (peers): a mirror reads a copy of the tiles it does not trust, from inside its operator's network, and
// tells anyone why its last poll failed (/healthz: mirror.sourceError, with the cause). Before, it followed the
// copy's redirects wherever they pointed: a hostile copy answered `302 Location: http://10.0.0.5:6379/` and the
// mirror asked that address, poll after poll, and /healthz said what it found ("HTTP 401", "connect
// ECONNREFUSED 10.0.0.5:6379", a timeout): a port scanner of the mirror's network for anyone. Now a redirect
// within the copy's own origin is followed (a trailing slash, an nginx rewrite), and one to any other origin is
// not: the poll fails as for a copy that cannot be reached, naming the redirect, and nothing is asked there.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { Follower, httpResources } from '../../src/mirror/follower.js'
import { registrations } from '../helpers/node-process.js'
import { servedNode } from '../helpers/served-node.js'
import { testDir } from '../helpers/test-dir.js'

async function listen(t: Test, handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test("a copy's redirect to another origin is not followed; one within its origin is", async (t) => {
  const root = testDir(t)
  const { node, url } = await servedNode(t, join(root, 'node'))
  await node.ledger.submitMany(registrations(node.operator, 'a', 5))

  const reached: string[] = []
  const internal = await listen(t, (request, response) => {
    reached.push(request.url ?? '/')
    response.writeHead(401).end('internal service')
  })
  let elsewhere = true
  // The copy: its tiles under /log/, each first redirected within its own origin (/log/x -> /moved/x); the
  // checkpoint, while `elsewhere`, redirected to the internal service instead.
  const copy = await listen(t, async (request, response) => {
    const path = request.url ?? '/'
    if (path.startsWith('/log/')) {
      const rest = path.slice('/log/'.length)
      response.writeHead(302, { location: rest === 'checkpoint' && elsewhere ? `${internal}/admin` : `/moved/${rest}` }).end()
      return
    }
    const answer = await fetch(`${url}/tlog/${path.slice('/moved/'.length)}`)
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' })
    response.end(Buffer.from(await answer.arrayBuffer()))
  })

  const dir = join(root, 'mirror')
  const mirror = await openMirrorDir(dir, { verifierKey: node.ledger.verifierKey, source: `${copy}/log/`, primary: url })
  const follower = new Follower({ ledger: mirror.ledger, source: `${copy}/log/`, fetch: httpResources(`${copy}/log/`), ed: nodeEd25519, dir })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })

  await follower.poll()
  t.same(reached, [], 'nothing was asked of the other origin')
  t.equal(follower.status.following, true, 'a redirect is no finding against the log')
  t.match(follower.status.sourceError?.message, /redirect/, `the poll failed, naming the redirect: ${follower.status.sourceError?.message}`)
  t.notMatch(follower.status.sourceError?.message, /401/, 'and nothing the other origin would have said')

  elsewhere = false
  await follower.poll()
  t.equal(follower.status.sourceError, undefined, follower.status.sourceError?.message ?? "no source error")
  t.equal(mirror.ledger.size, node.ledger.size, 'redirects within the copy are followed')
})
