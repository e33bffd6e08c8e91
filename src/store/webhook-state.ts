// Where each webhook's delivery stands, kept in the node's LevelDB beside the log (meta `webhook:<id>`,
// written with sync, so a kill -9 loses nothing the node said it saved). The alerts themselves are the
// queue: they are stored with the entries that raised them, so a webhook's state is only its cursor (the
// position of the last alert it is done with) and the retry schedule of the next one.

import type { LevelStore } from './level-store.js'

export interface WebhookDeliveryState {
  /** the position of the last alert delivered or given up on; none before the first (then the newest alert when the webhook was first seen) */
  cursor?: string
  /** attempts made at the alert after the cursor */
  attempts: number
  /** when the next attempt is due (ISO), while retrying */
  nextAttemptAt?: string
  delivered: number
  /** failed attempts, all told */
  failures: number
  /** alerts given up on after the last attempt, or refused outright (a 4xx) */
  givenUp: number
  lastDelivery?: { at: string; id: string; kind: string; status: number }
  lastFailure?: { at: string; id: string; error: string; attempt: number }
}

const PREFIX = 'webhook:'

export class WebhookStateStore {
  constructor(private readonly store: LevelStore) {}

  async get(webhookId: string): Promise<WebhookDeliveryState | undefined> {
    return this.store.getMeta<WebhookDeliveryState>(`${PREFIX}${webhookId}`)
  }

  /** Durable when it resolves. */
  async put(webhookId: string, state: WebhookDeliveryState): Promise<void> {
    await this.store.putMeta(`${PREFIX}${webhookId}`, state)
  }
}
