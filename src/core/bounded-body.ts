// A response body from a server that is not trusted (a log's copy, a node under audit, a witness), read to at
// most a known length counted after any content coding is undone: neither an endless body nor a
// compression bomb can take the reader's memory. It starts no I/O of its own (it reads the stream a caller's fetch
// opened, with web streams only, so it runs wherever fetch does): the one length rule that cli/, mirror/ and
// witness/ share, kept here at the bottom so none of them imports another.

import { concatBytes } from './bytes.js'

/** The most of a refusal's body a client reads: its code and message. */
export const MAX_ERROR_BODY_BYTES = 4 * 1024

/** The body of `response`, decoded, or undefined once it passes `maxBytes` (the rest cancelled, unread). */
export async function boundedBody(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!response.body) return new Uint8Array(0)
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    length += value.byteLength
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined)
      return undefined
    }
    chunks.push(value)
  }
  return chunks.length === 1 ? chunks[0] : concatBytes(...chunks)
}
