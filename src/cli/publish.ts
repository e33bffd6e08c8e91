// `tracechain publish --dir D --out DIR`: writes the log of a stopped node into DIR as static C2SP tlog-tiles,
// or brings a DIR published earlier up to date; the same bytes `serve --publish DIR` keeps there.

import { existsSync, realpathSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path'
import { TracechainError } from '../core/errors.js'
import type { Publication } from '../publish/publish-tree.js'
import { Publisher } from '../publish/publisher.js'
import { openNode } from './node-dir.js'

/** Files written at once with the node stopped: the disk, not a live sequencer, is all there is to share. */
const OFFLINE_WRITE_CONCURRENCY = 16

export async function publishNodeDirectory(dir: string, out: string): Promise<{ publication: Publication | undefined; size: number }> {
  checkPublishDirectory('--out', out, [{ what: "the node's data directory", path: dir }])
  const node = await openNode(dir)
  try {
    const publisher = await Publisher.open(node.ledger, out, { concurrency: OFFLINE_WRITE_CONCURRENCY })
    const publication = await publisher.publish()
    return { publication, size: publisher.publishedSize }
  } finally {
    await node.close()
  }
}

/** `path` with its symbolic links resolved, as far as it exists. */
function canonicalPath(path: string): string {
  const absolute = resolve(path)
  if (existsSync(absolute)) return realpathSync.native(absolute)
  const parent = dirname(absolute)
  return parent === absolute ? absolute : join(canonicalPath(parent), basename(absolute))
}

/**
 * Refuses a DIR to publish into that is one of `directories` (a node's data directory, a witness's) or holds
 * one: DIR is public (a file server, a bucket), and they hold signing keys and the store. A DIR inside one
 * holds only what a publisher writes. Throws BAD_REQUEST naming `flag`.
 */
export function checkPublishDirectory(flag: string, out: string, directories: readonly { what: string; path: string }[]): void {
  const published = canonicalPath(out)
  for (const { what, path } of directories) {
    const within = relative(published, canonicalPath(path))
    if (within === '' || (!within.startsWith('..') && !isAbsolute(within))) {
      throw new TracechainError(
        'BAD_REQUEST',
        `${flag} ${out} holds ${what} ${path} (its keys): what is published there is public; publish into a directory of its own`,
      )
    }
  }
}
