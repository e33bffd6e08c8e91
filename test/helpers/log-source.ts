// What the browser verifier reads (web/verify-log.ts LogSource), answered by a real node's routes through
// app.inject: its API, and its tiles under /tlog/. A test may rewrite either as a hostile copy would, and
// sees every path asked for.

import type { FastifyInstance } from 'fastify'
import type { LogSource } from '../../src/web/verify-log.js'

export interface Tampering {
  /** rewrites an API answer's text */
  api?: (path: string, body: string) => string
  /** rewrites a tile, bundle or checkpoint (path under /tlog/): new bytes, or undefined for a 404 */
  tile?: (path: string, bytes: Uint8Array) => Uint8Array | undefined
}

/** A LogSource over `app`; `asked` collects the API paths and the tile paths (prefixed `/tlog/`) asked for. */
export function injectedSource(app: FastifyInstance, tampering: Tampering = {}, asked: string[] = []): LogSource {
  const text = async (path: string) => {
    asked.push(path)
    const response = await app.inject({ url: path, headers: { accept: 'application/json, text/plain' } })
    if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`)
    return tampering.api ? tampering.api(path, response.body) : response.body
  }
  return {
    api: { text, json: async (path) => JSON.parse(await text(path)) as unknown },
    tiles: async (path) => {
      asked.push(`/tlog/${path}`)
      const response = await app.inject(`/tlog/${path}`)
      if (response.statusCode === 404) return undefined
      if (response.statusCode !== 200) throw new Error(`/tlog/${path}: HTTP ${response.statusCode}`)
      const bytes = new Uint8Array(response.rawPayload)
      return tampering.tile ? tampering.tile(path, bytes) : bytes
    },
  }
}

/** `bytes` with the byte at `at` (modulo its length) flipped. */
export function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const flipped = bytes.slice()
  flipped[at % flipped.length] ^= 0x01
  return flipped
}
