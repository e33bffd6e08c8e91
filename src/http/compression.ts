// Answers in brotli or gzip as the client asks (@fastify/compress), with one guard. The plugin takes a body
// whose first bytes look like a gzip or zlib header for one already compressed: it sends it as it is but
// labels it with the encoding it negotiated, so the client fails to decode it ("incorrect header check";
// fastify/fastify-compress#347, kept by design). About one random byte string in a thousand begins like a
// zlib header, and so does an entry bundle whose first entry is, say, 2,077 bytes long: a log's tiles and
// bundles are such bodies, and one of them stopped every mirror of that log. Such a body goes out
// uncompressed and unlabelled.

import compress from '@fastify/compress'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { constants } from 'node:zlib'

/** Below this many bytes an answer is not worth compressing. */
export const COMPRESSION_THRESHOLD = 1024

/**
 * Brotli's quality for answers made per request (pages, JSON), three above the plugin's 4. Quality 5 took the
 * demo's lot page from 6,160 to 5,484 bytes for 0.1 ms more of CPU on 23 kB; 7, the first with brotli's
 * larger hash chains, takes the recalled lot's page 6,018 -> 5,679, the seal page 9,045 -> 8,543 and the
 * lot's JSON 8,908 -> 8,761 for 0.07-0.12 ms more (0.30 -> 0.37 ms on the page). 8 gains nothing more, and
 * from 9 on it costs milliseconds (benches in the commits that set it). Static scripts are compressed once,
 * at 11 (static-asset.ts), and so is a page or JSON body sent a second time (compressed-answers.ts).
 */
export const DYNAMIC_BROTLI_QUALITY = 7

/** The request header by which @fastify/compress leaves an answer alone. */
const NO_COMPRESSION = 'x-no-compression'

/**
 * Whether @fastify/compress would take `bytes` for a compressed body (its isGzip and isDeflate): a gzip
 * header (1f 8b 08), or a zlib header (RFC 1950: method 8, a window of at most 32 KiB, a check that makes
 * the first two bytes a multiple of 31).
 */
export function looksCompressed(bytes: Uint8Array): boolean {
  if (bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) return true
  return bytes.length > 1 && (bytes[0] & 0x0f) === 0x08 && (bytes[0] & 0x80) === 0 && ((bytes[0] << 8) + bytes[1]) % 31 === 0
}

/** Marks the answer to `request` as one to send uncompressed (a body that would not shrink, such as hashes). */
export function leaveUncompressed(request: FastifyRequest): void {
  // On the raw headers: once anything assigns request.headers, Fastify's getter returns a fresh merged copy
  // each time, where a mark would be lost; the raw ones are in every copy.
  request.raw.headers[NO_COMPRESSION] = '1'
}

/**
 * Registers @fastify/compress for every route: brotli or gzip as the client asks, for answers of at least
 * COMPRESSION_THRESHOLD bytes of a compressible type. Call it after the hooks whose work is on the body as
 * it is (the ETag); its own hook runs after every hook added to the app.
 */
export async function installCompression(app: FastifyInstance): Promise<void> {
  // Bodies are strings or buffers here: no route sends a stream (the alert stream writes its own socket).
  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string' ? looksCompressedText(payload) : payload instanceof Uint8Array && looksCompressed(payload)) leaveUncompressed(request)
    return payload
  })
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD,
    globalDecompression: false,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: DYNAMIC_BROTLI_QUALITY } },
  })
}

/** looksCompressed for a body given as a string, from its first two UTF-8 bytes. */
function looksCompressedText(text: string): boolean {
  return text.length > 1 && looksCompressed(Buffer.from(text.slice(0, 3), 'utf8'))
}
