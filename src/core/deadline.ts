// A request's deadline, optionally joined with a caller's signal. Not AbortSignal.any over
// AbortSignal.timeout: in Node 20 the joined signal holds its sources weakly, so a timeout signal
// nothing else references is collected with its timer, and a request to a peer that never answers
// waits forever (test/regressions/abort-deadline-gc.test.ts reproduces it with a forced GC). Here the
// timer holds the controller until the deadline passes or `clear` is called.

export interface Deadline {
  /** aborts with a TimeoutError DOMException at the deadline, or with the parent's reason */
  signal: AbortSignal
  /** stops the timer and lets go of the parent; call it once the request has settled */
  clear(): void
}

export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController()
  const onParentAbort = () => controller.abort(parent?.reason)
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer in ${ms} ms`, 'TimeoutError')), ms)
  if (parent?.aborted) onParentAbort()
  else parent?.addEventListener('abort', onParentAbort, { once: true })
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onParentAbort)
    },
  }
}
