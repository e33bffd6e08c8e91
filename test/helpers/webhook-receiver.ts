// A webhook's receiving end on 127.0.0.1: every body delivered to it, in order, answered `status`. Closed at
// the test's end.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export interface WebhookReceiver {
  /** each delivery's body, as text */
  received: string[]
  /** http://127.0.0.1:PORT/hook */
  url: string
}

export async function webhookReceiver(t: Test, options: { port?: number; status?: number } = {}): Promise<WebhookReceiver> {
  const received: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'))
      response.writeHead(options.status ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` }
}
