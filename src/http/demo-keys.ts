// Public demo keys (keys/demo/ in the repository, private halves included): an actor holding one can be
// impersonated by anyone, so /v1/actors marks it and every page of a node that has one says so.

import type { Ledger } from '../ledger/ledger.js'
import type { ActorRecord } from '../ledger/registry.js'

/** A public key whose private half is public, as the registry stores it. */
export interface DemoKey {
  keyid: string
  /** base64 of the raw Ed25519 public key */
  publicKey: string
}

export class DemoKeys {
  private readonly publicKeys: ReadonlySet<string>

  constructor(
    private readonly ledger: Ledger,
    private readonly keys: readonly DemoKey[],
  ) {
    this.publicKeys = new Set(keys.map((key) => key.publicKey))
  }

  /** Whether any key the actor holds or held is a demo key: what it signed with one proves nothing. */
  isDemoActor(actor: ActorRecord): boolean {
    return actor.keys.some((key) => this.publicKeys.has(key.publicKey))
  }

  /**
   * Whether the registry holds a demo key, current or retired. Read from the registry on every call, so
   * a node seeded earlier (or over HTTP) says so after a restart too; a few lookups by keyid.
   */
  inLedger(): boolean {
    return this.keys.some((key) => this.ledger.actors.publicKeysFor(key.keyid).includes(key.publicKey))
  }
}
