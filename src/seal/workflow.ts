// The seal workflow as one state machine. An application moves
//   (new) --apply--> applied --approve--> approved --use--> used --use--> used ... --close--> closed
//                            \--reject--> rejected       \------------close------------/
// and a revoked seal accepts no statement at all. The kinds (kinds.ts) ask `nextState` before
// anything else about an application, so every refusal of a move comes from this table.

import { fail, type ErrorCode } from '../core/errors.js'

export const APPLICATION_STATES = ['applied', 'approved', 'rejected', 'used', 'closed'] as const
export type ApplicationState = (typeof APPLICATION_STATES)[number]

export type ApplicationStatementType = 'seal.approve' | 'seal.reject' | 'seal.use' | 'seal.close'

interface Transition {
  from: readonly ApplicationState[]
  to: ApplicationState
  /** the code of a refusal from any other state */
  refusal: ErrorCode
}

/**
 * Every move an existing application can make. seal.use is refused as USE_WITHOUT_APPROVAL (not a
 * bare INVALID_TRANSITION) from every state without a live approval, applied, rejected and closed
 * alike: stamping without approval (先盖后批, 先盖不批) is what inspectors look for.
 */
export const TRANSITIONS: Readonly<Record<ApplicationStatementType, Transition>> = {
  'seal.approve': { from: ['applied'], to: 'approved', refusal: 'INVALID_TRANSITION' },
  'seal.reject': { from: ['applied'], to: 'rejected', refusal: 'INVALID_TRANSITION' },
  'seal.use': { from: ['approved', 'used'], to: 'used', refusal: 'USE_WITHOUT_APPROVAL' },
  'seal.close': { from: ['approved', 'used'], to: 'closed', refusal: 'INVALID_TRANSITION' },
}

/** States in which the matter is still open: OVERDUE applies to them. */
export const OPEN_STATES: readonly ApplicationState[] = ['applied', 'approved', 'used']

/** The state `type` moves an application in `state` to. Throws the transition's refusal code. */
export function nextState(state: ApplicationState, type: ApplicationStatementType, applicationId: string): ApplicationState {
  const transition = TRANSITIONS[type]
  if (!transition.from.includes(state)) {
    fail(transition.refusal, `${type} on application ${applicationId} in state ${state}; allowed from ${transition.from.join(', ')}`, {
      applicationId,
      state,
      allowedFrom: transition.from,
    })
  }
  return transition.to
}
