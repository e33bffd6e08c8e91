// The seal workflow as one state machine. An application moves
//   (new) --apply--> applied --approve--> approved --use--> used --use--> used ... --close--> closed
//                            \--reject--> rejected       \------------close------------/
// A revoked seal accepts one statement about its applications: seal.close, from any open state, because
// closing records what came of a matter and stamps nothing; an application that could never close would
// stay overdue forever. The kinds (kinds.ts) ask `nextState` before anything else about an application,
// so every refusal of a move comes from this table.

import { fail, type ErrorCode } from '../core/errors.js'

export const APPLICATION_STATES = ['applied', 'approved', 'rejected', 'used', 'closed'] as const
export type ApplicationState = (typeof APPLICATION_STATES)[number]

export type ApplicationStatementType = 'seal.approve' | 'seal.reject' | 'seal.use' | 'seal.close'

interface Transition {
  from: readonly ApplicationState[]
  to: ApplicationState
  /** the code of a refusal from any other state */
  refusal: ErrorCode
  /** the states it moves from once the application's seal is revoked; absent: refused on a revoked seal */
  fromOnRevokedSeal?: readonly ApplicationState[]
}

/** States in which the matter is still open: OVERDUE applies to them. */
export const OPEN_STATES: readonly ApplicationState[] = ['applied', 'approved', 'used']

/**
 * Every move an existing application can make. seal.use is refused as USE_WITHOUT_APPROVAL (not a
 * bare INVALID_TRANSITION) from every state without a live approval, applied, rejected and closed
 * alike: stamping without approval (先盖后批, 先盖不批) is what inspectors look for.
 */
export const TRANSITIONS: Readonly<Record<ApplicationStatementType, Transition>> = {
  'seal.approve': { from: ['applied'], to: 'approved', refusal: 'INVALID_TRANSITION' },
  'seal.reject': { from: ['applied'], to: 'rejected', refusal: 'INVALID_TRANSITION' },
  'seal.use': { from: ['approved', 'used'], to: 'used', refusal: 'USE_WITHOUT_APPROVAL' },
  'seal.close': { from: ['approved', 'used'], to: 'closed', refusal: 'INVALID_TRANSITION', fromOnRevokedSeal: OPEN_STATES },
}

/** Whether `type` is accepted at all about an application of a revoked seal. */
export function allowedOnRevokedSeal(type: ApplicationStatementType): boolean {
  return TRANSITIONS[type].fromOnRevokedSeal !== undefined
}

/**
 * The state `type` moves an application in `state` to, on a seal that is revoked or not. Throws the
 * transition's refusal code; the caller has already refused a type not allowed on a revoked seal.
 */
export function nextState(state: ApplicationState, type: ApplicationStatementType, applicationId: string, sealRevoked = false): ApplicationState {
  const transition = TRANSITIONS[type]
  const from = (sealRevoked ? transition.fromOnRevokedSeal : undefined) ?? transition.from
  if (!from.includes(state)) {
    fail(transition.refusal, `${type} on application ${applicationId} in state ${state}; allowed from ${from.join(', ')}`, {
      applicationId,
      state,
      allowedFrom: from,
    })
  }
  return transition.to
}
