// Witness fixtures: a log as plain leaf hashes signed with a real key (so a test can fork it: two
// histories under one key), and a witness key. Roots and proofs come from the naive RFC 6962 definitions.

import { createHash } from 'node:crypto'
import { formatCheckpoint } from '../../src/core/checkpoint.js'
import { witnessKeyOf, type Cosigner, type WitnessKey } from '../../src/core/cosignature.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed } from '../../src/core/keys.js'
import { formatVerifierKey, signNote, type NoteSigner } from '../../src/core/signed-note.js'
import { mth, subproof } from './naive-merkle.js'

function seedOf(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(label).digest())
}

/** A log with a fixed key (from `label`) whose history is leaf hashes made from `tag`. */
export class TestLog {
  readonly signer: NoteSigner
  readonly leaves: Uint8Array[]

  constructor(
    readonly origin: string,
    options: { keyLabel?: string; leaves?: Uint8Array[] } = {},
  ) {
    const key = signerFromSeed(nodeEd25519, seedOf(options.keyLabel ?? `log key ${origin}`))
    this.signer = { name: origin, publicKey: key.publicKey, sign: key.sign }
    this.leaves = options.leaves ?? []
  }

  get verifierKey(): string {
    return formatVerifierKey(this.origin, this.signer.publicKey)
  }

  /** Appends `count` leaves, distinct per `tag`. */
  append(count: number, tag: string): this {
    for (let i = 0; i < count; i++) this.leaves.push(seedOf(`${this.origin} ${tag} ${this.leaves.length}`))
    return this
  }

  /** Another history under the same key: the first `prefix` leaves, then its own. */
  fork(prefix: number): TestLog {
    return new TestLog(this.origin, { keyLabel: `log key ${this.origin}`, leaves: this.leaves.slice(0, prefix) })
  }

  root(size: number): Uint8Array {
    return mth(this.leaves.slice(0, size))
  }

  checkpointText(size: number): string {
    return formatCheckpoint({ origin: this.origin, size, rootHash: this.root(size), extensions: [] })
  }

  /** The checkpoint of `size` signed by this log's key (or `signer`). */
  checkpoint(size: number, signer: NoteSigner = this.signer): string {
    return signNote(this.checkpointText(size), [signer])
  }

  /** RFC 6962 PROOF(from, D[to]); empty for from 0 or from === to. */
  proof(from: number, to: number): Uint8Array[] {
    return from === 0 || from === to ? [] : subproof(from, this.leaves.slice(0, to), true)
  }
}

export function testCosigner(name = 'witness.test/w1', label = name): Cosigner & { key: WitnessKey } {
  const signer = signerFromSeed(nodeEd25519, seedOf(`witness key ${label}`))
  return { name, publicKey: signer.publicKey, sign: signer.sign, key: witnessKeyOf(name, signer.publicKey) }
}
