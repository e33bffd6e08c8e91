// Test fixtures: a real node in a temp dir (real LevelDB, real keys, real signatures).

import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { toBase64 } from '../../src/core/bytes.js'
import { buildStatementEnvelope, type Envelope } from '../../src/core/dsse.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { signerFromSeed, type Signer } from '../../src/core/keys.js'
import type { Statement } from '../../src/core/statement.js'
import { initialiseNode, readKeyFile, type OpenNode } from '../../src/cli/node-dir.js'
import { DEMO_GENESIS } from '../../src/cli/demo.js'

export const FIXED_TIME = '2026-11-28T07:00:00.000Z'

export function newSigner(): Signer & { seed: Uint8Array } {
  return signerFromSeed(nodeEd25519, new Uint8Array(randomBytes(32)))
}

export interface TestNode extends OpenNode {
  dir: string
  operator: Signer
  /** a signed statement by `actor` with `signers` (default: the actor's own signer from `keys`) */
  statement(partial: Partial<Statement> & { type: string; actor: string; body: Record<string, unknown> }, signers: Signer[]): Envelope
  /** registers an actor with a fresh key via the operator; returns its signer */
  register(id: string, roles: string[], extra?: Record<string, unknown>): Promise<Signer>
}

let counter = 0

export async function makeNode(dir: string, options: { origin?: string } = {}): Promise<TestNode> {
  // The genesis the demo's: seedLedger then records the story as of its own times (no late records).
  const node = await initialiseNode(dir, { origin: options.origin ?? 'tracechain.test/node', genesisAt: DEMO_GENESIS })
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  const statement: TestNode['statement'] = (partial, signers) =>
    buildStatementEnvelope(
      // Signed now unless a test says otherwise: one signed days ago is a late record (LATE_RECORD).
      { id: `s-${process.pid}-${++counter}`, issuedAt: new Date().toISOString(), ...partial } as Statement,
      signers,
    )
  return {
    ...node,
    dir,
    operator,
    statement,
    async register(id, roles, extra = {}) {
      const signer = newSigner()
      await node.ledger.submit(
        statement(
          { type: 'actor.register', actor: 'operator', body: { id, name: id, roles, publicKey: toBase64(signer.publicKey), ...extra } },
          [operator],
        ),
      )
      return signer
    },
  }
}
