// `tracechain publish --dir D --out DIR`: writes the log of a stopped node into DIR as static C2SP tlog-tiles,
// or brings a DIR published earlier up to date; the same bytes `serve --publish DIR` keeps there.

import type { Publication } from '../publish/publish-tree.js'
import { Publisher } from '../publish/publisher.js'
import { openNode } from './node-dir.js'

/** Files written at once with the node stopped: the disk, not a live sequencer, is all there is to share. */
const OFFLINE_WRITE_CONCURRENCY = 16

export async function publishNodeDirectory(dir: string, out: string): Promise<{ publication: Publication | undefined; size: number }> {
  const node = await openNode(dir)
  try {
    const publisher = await Publisher.open(node.ledger, out, { concurrency: OFFLINE_WRITE_CONCURRENCY })
    const publication = await publisher.publish()
    return { publication, size: publisher.publishedSize }
  } finally {
    await node.close()
  }
}
