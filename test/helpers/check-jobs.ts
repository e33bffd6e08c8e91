// Check jobs for the check pool's tests: an admin and another signer with their keys known, and statements
// and jobs as the sequencer hands them to the pool.

import { toBase64 } from '../../src/core/bytes.js'
import type { Statement } from '../../src/core/statement.js'
import type { CheckJob } from '../../src/ledger/checks.js'
import { keyidsOf } from '../../src/ledger/checks.js'
import { FIXED_TIME, newSigner } from './ledger.js'

export const TYPES = ['actor.register', 'actor.rotate-key', 'actor.revoke']
export const admin = newSigner()
export const other = newSigner()
export const keys = new Map([
  [admin.keyid, [toBase64(admin.publicKey)]],
  [other.keyid, [toBase64(other.publicKey)]],
])

export function register(i: number, extra: Partial<Statement> = {}): Statement {
  return {
    type: 'actor.register',
    actor: 'admin',
    id: `r-${i}`,
    issuedAt: FIXED_TIME,
    body: { id: `farm-${i}`, name: `Farm ${i}`, roles: ['farm'], publicKey: toBase64(newSigner().publicKey) },
    ...extra,
  }
}

export function job(envelopes: unknown[], knownKeys = keys): CheckJob {
  return {
    envelopes,
    candidates: envelopes.map((e) => keyidsOf(e).map((k) => knownKeys.get(k) ?? [])),
    types: TYPES,
    typesWithChecks: [],
    nowMs: Date.parse(FIXED_TIME),
    maxClockSkewMs: 60_000,
  }
}
