// Asynchronous verification (webcrypto-ed25519.ts) behind the synchronous Ed25519 interface that the log's
// checks call (core/signed-note.ts, core/cosignature.ts, core/dsse.ts): a pass of the checks is run with every
// signature it asks about assumed good, and recorded; the recorded ones are then verified together. The pass
// stands only if every assumption held; otherwise it is run again on the verdicts now known. Browser-safe.

import { toHex } from '../core/bytes.js'
import type { Ed25519 } from '../core/ed25519.js'
import { isStrictSignatureInput } from '../core/ed25519-strict.js'
import type { VerifyAsync } from './webcrypto-ed25519.js'

type Asked = [publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array]

export class DeferredEd25519 implements Ed25519 {
  readonly name = 'deferred'
  private readonly verdicts = new Map<string, boolean>()
  private readonly asked = new Map<string, Asked>()
  /** after the recording pass: verifies a signature with no verdict yet on the spot */
  private fallback: Ed25519 | undefined

  constructor(private readonly verifyAsync: VerifyAsync) {}

  publicKeyFromSeed(): Uint8Array {
    throw new TypeError('a page verifies; it holds no key')
  }

  sign(): Uint8Array {
    throw new TypeError('a page verifies; it signs nothing')
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (!isStrictSignatureInput(publicKey, signature)) return false
    const key = `${toHex(publicKey)}${toHex(signature)}${toHex(message)}`
    const known = this.verdicts.get(key)
    if (known !== undefined) return known
    if (this.fallback) {
      const verdict = this.fallback.verify(publicKey, message, signature)
      this.verdicts.set(key, verdict)
      return verdict
    }
    this.asked.set(key, [publicKey.slice(), message.slice(), signature.slice()])
    return true
  }

  /** Verifies every signature the pass assumed good; true when all of them are. */
  async settle(): Promise<boolean> {
    const asked = [...this.asked]
    this.asked.clear()
    const verdicts = await Promise.all(asked.map(([, [publicKey, message, signature]]) => this.verifyAsync(publicKey, message, signature)))
    asked.forEach(([key], i) => this.verdicts.set(key, verdicts[i]))
    return verdicts.every(Boolean)
  }

  /** From now on, a signature with no verdict yet is verified by `fallback` on the spot. */
  answerUnknownWith(fallback: Ed25519): this {
    this.fallback = fallback
    return this
  }
}
