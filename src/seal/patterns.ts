// The predicates of the seal pattern alerts, one definition for the node, which stores an alert with the
// entry that raises it (alerts.ts), and for the seal page, which derives the alerts again from verified
// entries in the browser (derive.ts). Pure: no ledger, no clock.

import { sumOfAmounts } from './amounts.js'
import { daysBefore, isOffHours, type SealConfig } from './config.js'
import { jaccard, titleTokens } from './similarity.js'

export { isOffHours }

/** OVER_BUDGET: an amount strictly above the budget, both given. */
export function isOverBudget(value: number | undefined, budget: number | undefined): boolean {
  return value !== undefined && budget !== undefined && value > budget
}

/**
 * USE_BEFORE_APPROVAL_RECORDED: the custodian's signed stamping time (the seal.use's issuedAt) is before the
 * node recorded the application's approval. The use itself is recorded after the approval (the workflow
 * refuses it before), so only the signed time can say the stamping came first: a stamping done before
 * approval and papered over, or a use back-dated.
 */
export function stampedBeforeApprovalRecorded(stampedAt: string, approvalRecordedAt: string): boolean {
  return Date.parse(stampedAt) < Date.parse(approvalRecordedAt)
}

/**
 * OVERDUE's time: the end of the due date, or the application's recordedAt when it was recorded after that (filed
 * overdue), so that the alert's position is never before the log held the application.
 */
export function overdueAt(dueAt: string, appliedAt: string): string {
  return Date.parse(appliedAt) > Date.parse(dueAt) ? appliedAt : dueAt
}

/** SPLIT_CONTRACT: an amount kept under the collective-decision threshold. */
export function isUnderThreshold(amount: number | undefined, config: SealConfig): amount is number {
  return amount !== undefined && amount < config.collectiveThreshold
}

/** SPLIT_CONTRACT: a title near enough the completing application's to be the same job. */
export function isNearDuplicate(completingTitle: string, otherTitle: string, config: SealConfig): boolean {
  return areNearDuplicateTokens(titleTokens(completingTitle), titleTokens(otherTitle), config)
}

/** isNearDuplicate on titles already tokenised (the node keeps each application's tokens in its org index). */
export function areNearDuplicateTokens(completing: Set<string>, other: Set<string>, config: SealConfig): boolean {
  return jaccard(completing, other) >= config.titleSimilarity
}

/** SPLIT_CONTRACT: whether an application recorded at `at` is within the window of one recorded at `completingAt`. */
export function isInSplitWindow(at: string, completingAt: string, config: SealConfig): boolean {
  return Date.parse(at) >= Date.parse(daysBefore(completingAt, config.splitWindowDays)) && Date.parse(at) <= Date.parse(completingAt)
}

/** SPLIT_CONTRACT: a group (the completing application included) large enough and together (as the amounts add up in decimals) at or above the threshold. */
export function splitFires(amounts: readonly number[], config: SealConfig): boolean {
  return amounts.length >= config.splitMinApplications && sumOfAmounts(amounts) >= config.collectiveThreshold
}
