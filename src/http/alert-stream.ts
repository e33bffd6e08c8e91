// One server-sent events stream of alerts (WHATWG HTML, "Server-sent events"): `id:` is the alert's
// position, so a client that reconnects with Last-Event-ID gets the alerts after the last one it saw and
// none before; a comment line every heartbeat keeps proxies from closing an idle stream. A client too slow
// to take what it is sent is cut off rather than buffered for, its connection dropped with what was queued
// for it: it reconnects and resumes from its last id. A filter cut short says so first, in an event without an id.

import type { ServerResponse } from 'node:http'
import { formatPageToken, type PlacedAlert } from '../ledger/alerts.js'

/** Events held for a client that is not reading before its stream is closed. */
export const MAX_QUEUED_EVENTS = 1000
/** What an EventSource waits before reconnecting, told in the stream's first line. */
export const RECONNECT_MS = 5000
/** What an ended stream's client has to take the rest before its connection is dropped with it. */
export const CLOSING_GRACE_MS = 2000

/** The headers a stream opens with; a HEAD request gets them alone. */
export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  // no-transform: a proxy that compresses or buffers would hold events back
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'x-content-type-options': 'nosniff',
} as const

export class AlertStream {
  /** the id last sent: it never goes back, so a resume never repeats what this stream sent */
  private lastPosition: string | undefined
  private readonly heartbeat: NodeJS.Timeout
  private queued = 0
  private ended = false

  constructor(
    private readonly response: ServerResponse,
    heartbeatMs: number,
    private readonly onEnd: () => void,
    /** events pending for a client that is not reading before its stream is cut off */
    readonly maxPending = MAX_QUEUED_EVENTS,
  ) {
    response.writeHead(200, EVENT_STREAM_HEADERS)
    response.write(`retry: ${RECONNECT_MS}\n: tracechain alerts\n\n`)
    this.heartbeat = setInterval(() => this.write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs)
    this.heartbeat.unref()
    response.on('close', () => this.end())
  }

  get closed(): boolean {
    return this.ended
  }

  send(placed: PlacedAlert): void {
    if (this.lastPosition === undefined || placed.position > this.lastPosition) this.lastPosition = placed.position
    this.write(`id: ${formatPageToken(this.lastPosition)}\nevent: alert\ndata: ${JSON.stringify(placed.alert)}\n\n`)
  }

  /**
   * Tells, before any alert, that the filter was cut short and the alerts sent are not all that it names. No id: a
   * client's Last-Event-ID stays the last alert's, and a resumed stream tells it again.
   */
  sendTruncated(message: string): void {
    this.write(`event: truncated\ndata: ${JSON.stringify({ truncated: true, message })}\n\n`)
  }

  /** Resolves once the client has taken what was written (for a replay of many alerts). */
  async drained(): Promise<void> {
    if (this.ended || !this.response.writableNeedDrain) return
    await new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done)
        this.response.off('close', done)
        resolve()
      }
      this.response.on('drain', done)
      this.response.on('close', done)
    })
  }

  /** Ends the stream of a client that has more than `maxPending` events pending: it resumes from its last id. */
  cutOff(): void {
    this.end('the client does not read the stream fast enough; reconnect with Last-Event-ID to resume')
  }

  /** Ends the stream; `reason` is told first as an event the client can show. */
  end(reason?: string): void {
    if (this.ended) return
    this.ended = true
    clearInterval(this.heartbeat)
    if (reason !== undefined && !this.response.destroyed) this.response.write(`event: closing\ndata: ${JSON.stringify({ reason })}\n\n`)
    this.response.end()
    // end() only closes once the client has taken every byte queued for it: one that does not read would
    // hold its socket and that queue for good, beside the place among the streams that it has just freed
    if (!this.response.writableFinished) {
      const drop = setTimeout(() => this.response.destroy(), CLOSING_GRACE_MS)
      drop.unref()
      this.response.once('close', () => clearTimeout(drop))
    }
    this.onEnd()
  }

  private write(text: string): void {
    if (this.ended) return
    if (this.response.writableNeedDrain && ++this.queued > this.maxPending) {
      this.cutOff()
      return
    }
    if (!this.response.writableNeedDrain) this.queued = 0
    this.response.write(text)
  }
}
