// The console's audit in a Web Worker (its own bundle, /web/audit-worker-<hash>.js, built by web/bundle.ts):
// the page posts where the log is and which seqs, the worker runs audit-log.ts off the page's thread and
// posts its progress and its outcome. Messages in: {type: 'audit', api, tlog?, from?, to?} and {type: 'stop'}.
// Out: {type: 'progress', checked, total, seq, elapsedMs} and {type: 'done', audit, elapsedMs}.

import { nobleEd25519 } from '../core/ed25519.js'
import { auditLog, type LogAudit } from './audit-log.js'
import { httpLogSource } from './http-log-source.js'

export interface AuditRequest {
  type: 'audit'
  /** the node's base URL (no trailing slash) */
  api: string
  /** a copy of the log's tiles; default the node's /tlog/ */
  tlog?: string
  from?: number
  to?: number
}

export type AuditMessage =
  | { type: 'progress'; checked: number; total: number; seq: number; elapsedMs: number }
  | { type: 'done'; audit: LogAudit; elapsedMs: number }

interface WorkerScope {
  postMessage(message: AuditMessage): void
  addEventListener(type: 'message', listener: (event: { data: AuditRequest | { type: 'stop' } }) => void): void
}

function serve(scope: WorkerScope): void {
  let stopped = false
  scope.addEventListener('message', (event) => {
    const request = event.data
    if (request.type === 'stop') {
      stopped = true
      return
    }
    if (request.type !== 'audit') return
    stopped = false
    const started = performance.now()
    const elapsedMs = () => Math.round(performance.now() - started)
    void auditLog(httpLogSource(request.api, request.tlog), nobleEd25519, {
      ...(request.from !== undefined ? { from: request.from } : {}),
      ...(request.to !== undefined ? { to: request.to } : {}),
      onProgress: (progress) => scope.postMessage({ type: 'progress', ...progress, elapsedMs: elapsedMs() }),
      cancelled: () => stopped,
    }).then((audit) => scope.postMessage({ type: 'done', audit, elapsedMs: elapsedMs() }))
  })
}

// Only inside a worker: no document, and importScripts is the worker global scope's own.
if (typeof document === 'undefined' && typeof (globalThis as { importScripts?: unknown }).importScripts === 'function') serve(globalThis as unknown as WorkerScope)
