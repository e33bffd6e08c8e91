// A server on 127.0.0.1 that answers as an upstream does except where a test makes it hostile: there it sends
// a body without end, plain ('endless': 64 KiB of "A" at a time) or gzip ('bomb': gzip members of a MiB of
// spaces each, about a kB each on the wire), or one that never ends but hardly moves ('trickle': its headers
// at once, then a byte every 50 ms). It ends such a body by itself after `cap` bytes decoded, so that a reader
// which never stops cannot exhaust the machine the test runs on. Every answer allows any origin to read it, as
// a CDN's copy of a log does for the pages that read it.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import type { Test } from 'tap'

export type Hostility = 'endless' | 'bomb' | 'trickle'

export interface HostileServer {
  /** http://127.0.0.1:PORT, no trailing slash */
  url: string
  /** the bytes, decoded, written so far in hostile bodies */
  sent(): number
}

const MIB = 1024 * 1024
const ANY_ORIGIN = { 'access-control-allow-origin': '*' }

/**
 * `upstream(path)` is the URL whose answer a request for `path` (the request's own URL, from its first slash)
 * gets; `hostile(path)` says where to send a body without end instead.
 */
export async function hostileServer(t: Test, upstream: (path: string) => string, hostile: (path: string) => Hostility | undefined, cap = 256 * MIB): Promise<HostileServer> {
  let sent = 0
  const server = createServer(async (request, response) => {
    const path = request.url ?? '/'
    const mode = hostile(path)
    if (mode === undefined) {
      const answer = await fetch(upstream(path))
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream', ...ANY_ORIGIN })
      response.end(Buffer.from(await answer.arrayBuffer()))
      return
    }
    if (mode === 'trickle') {
      response.writeHead(200, { 'content-type': 'application/octet-stream', ...ANY_ORIGIN })
      const drip = setInterval(() => {
        if (response.destroyed || sent >= cap) return void clearInterval(drip)
        sent += 1
        response.write('A')
      }, 50)
      response.once('close', () => clearInterval(drip))
      return
    }
    const chunk = mode === 'bomb' ? gzipSync(Buffer.alloc(MIB, 0x20)) : Buffer.alloc(64 * 1024, 0x41)
    const decoded = mode === 'bomb' ? MIB : chunk.length
    response.writeHead(200, { 'content-type': 'application/octet-stream', ...ANY_ORIGIN, ...(mode === 'bomb' ? { 'content-encoding': 'gzip' } : {}) })
    const more = () => {
      while (sent < cap && !response.destroyed) {
        sent += decoded
        if (!response.write(chunk)) return void response.once('drain', more)
      }
      if (!response.destroyed) response.end()
    }
    more()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent: () => sent }
}
