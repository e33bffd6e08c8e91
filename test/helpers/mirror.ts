// A mirror in a test: its data dir opened and a Follower on it, both closed in teardown; and a source that reads
// a node's tiles through app.inject, for a mirror that follows a node without a port.

import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { openMirrorDir } from '../../src/cli/mirror-dir.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import type { FetchResource } from '../../src/core/tiled-log.js'
import { Follower } from '../../src/mirror/follower.js'

/** The node's `/tlog/` tree through `app.inject`: a resource's bytes, undefined for a 404. */
export function injectedTiles(app: FastifyInstance): FetchResource {
  return async (path) => {
    const response = await app.inject(`/tlog/${path}`)
    return response.statusCode === 404 ? undefined : new Uint8Array(response.rawPayload)
  }
}

/** A mirror of the log `verifierKey` names in `dir`, following `fetch`; closed in teardown. */
export async function testMirror(t: Test, dir: string, options: { verifierKey: string; fetch: FetchResource; source?: string; primary?: string }) {
  const source = options.source ?? 'inject:/tlog/'
  const mirror = await openMirrorDir(dir, { verifierKey: options.verifierKey, source, primary: options.primary ?? 'http://primary.example' })
  const follower = new Follower({ ledger: mirror.ledger, source, fetch: options.fetch, ed: nodeEd25519, dir })
  t.teardown(async () => {
    await follower.stop()
    await mirror.close()
  })
  return { mirror, follower }
}
