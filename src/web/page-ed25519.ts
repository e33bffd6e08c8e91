// How a page's verifier (verify.ts) verifies signatures: with the browser's own WebCrypto Ed25519 where it has
// one that accepts what the node accepts (webcrypto-ed25519.ts: every current browser, from a secure
// context), and with @noble elsewhere (ed25519-fallback.ts; the node's page scripts fetch it with its lazy
// script, web/lazy-code.ts). Browser-safe.

import type { Ed25519 } from '../core/ed25519.js'
import { DeferredEd25519 } from './deferred-ed25519.js'
import { fallbackEd25519 } from './ed25519-fallback.js'
import type { CheckpointMemory, RememberedCheckpoint } from './verify-log.js'
import { webCryptoEd25519, type VerifyAsync } from './webcrypto-ed25519.js'

/**
 * Runs `verify` (the log's checks, which verify synchronously) with the page's Ed25519: a first pass assumes
 * each signature good and the signatures are verified after it (deferred-ed25519.ts), with WebCrypto's where
 * the browser has a fit one, else with @noble, whose script is fetched while that pass runs; the checkpoint it
 * would remember is remembered only once they all are. If one is not, the checks run again on the verdicts
 * known, verifying any other signature with @noble as they go. `subtle`: the browser's WebCrypto.
 */
export async function verifyingWith<T>(
  memory: CheckpointMemory | undefined,
  verify: (ed: Ed25519, memory: CheckpointMemory | undefined) => Promise<T>,
  subtle: SubtleCrypto | null | undefined = globalThis.crypto?.subtle,
): Promise<T> {
  const webCrypto = await webCryptoEd25519(subtle)
  let noble: Promise<Ed25519> | undefined
  const loadNoble = () => (noble ??= fallbackEd25519())
  // Without WebCrypto, @noble's script travels while the first pass fetches and derives; a script that does not
  // load fails the settling, as it would have failed the pass. Marked handled now, as it is awaited later.
  if (!webCrypto) loadNoble().catch(() => undefined)
  const verifyAsync: VerifyAsync = webCrypto ?? (async (publicKey, message, signature) => (await loadNoble()).verify(publicKey, message, signature))
  const deferred = new DeferredEd25519(verifyAsync)
  const remembered: [string, RememberedCheckpoint][] = []
  const held: CheckpointMemory | undefined = memory && { read: (origin) => memory.read(origin), write: (origin, checkpoint) => void remembered.push([origin, checkpoint]) }
  const outcome = await verify(deferred, held)
  if (await deferred.settle()) {
    for (const [origin, checkpoint] of remembered) memory?.write(origin, checkpoint)
    return outcome
  }
  return verify(deferred.answerUnknownWith(await loadNoble()), memory)
}
