// A server-sent events client for tests, over a real socket: fetch's body read as it arrives and cut into
// events as the WHATWG HTML parser does (fields up to a blank line; comment lines kept apart).

import type { Test } from 'tap'

export interface StreamEvent {
  id?: string
  event: string
  data: string
}

export interface EventStreamClient {
  status: number
  headers: Headers
  /** the next event, or throws after `timeoutMs` */
  next(timeoutMs?: number): Promise<StreamEvent>
  /** events that arrive within `ms`, without waiting for more */
  collect(ms: number): Promise<StreamEvent[]>
  /** comment lines seen so far (heartbeats) */
  comments: string[]
  /** resolves when the server ends the stream */
  ended: Promise<void>
  close(): void
}

export async function openEventStream(t: Test, url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const controller = new AbortController()
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
  const queue: StreamEvent[] = []
  const comments: string[] = []
  let wake: (() => void) | undefined
  let finished = false
  const ended = (async () => {
    if (!response.body) return
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event: StreamEvent = { event: 'message', data: '' }
          const data: string[] = []
          let fields = 0
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments.push(line.slice(1).trim())
              continue
            }
            const colon = line.indexOf(':')
            const name = colon < 0 ? line : line.slice(0, colon)
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
            if (name === 'id') event.id = value
            else if (name === 'event') event.event = value
            else if (name === 'data') data.push(value)
            else if (name !== 'retry') continue
            if (name !== 'retry') fields++
          }
          if (fields === 0) continue
          event.data = data.join('\n')
          queue.push(event)
          wake?.()
        }
      }
    } catch {
      // aborted by close()
    } finally {
      finished = true
      wake?.()
    }
  })()
  const next = async (timeoutMs = 10_000): Promise<StreamEvent> => {
    const deadline = Date.now() + timeoutMs
    while (queue.length === 0) {
      if (finished) throw new Error('the stream ended')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      wake = undefined
    }
    return queue.shift() as StreamEvent
  }
  const client: EventStreamClient = {
    status: response.status,
    headers: response.headers,
    next,
    async collect(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms))
      return queue.splice(0)
    },
    comments,
    ended,
    close: () => controller.abort(),
  }
  t.teardown(() => client.close())
  return client
}
