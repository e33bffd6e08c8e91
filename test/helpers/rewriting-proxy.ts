// A man in the middle for the page tests: an HTTP proxy on 127.0.0.1 in front of a node that forwards
// everything and lets a test rewrite the HTML pages, the other answers (tiles, bundles) and headers it
// passes on, or refuse paths, as a compromised CDN or a hostile network would. The browser talks only to
// the proxy, so the verifier's own fetches go through it too.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export interface RewritingProxy {
  url: string
  /** rewrites each HTML page (any path) from now on; undefined passes pages on unchanged */
  rewrite: ((html: string, path: string) => string) | undefined
  /** rewrites every other answer's bytes (a tile, a bundle, JSON) from now on; undefined passes them on */
  rewriteBytes: ((bytes: Buffer, path: string) => Buffer) | undefined
  /** rewrites each response header's value (a page's Content-Security-Policy, say) */
  rewriteHeader: ((name: string, value: string, path: string) => string) | undefined
  /** answers 404 itself, without asking the node, for each path it returns true for */
  refuse: ((path: string) => boolean) | undefined
  /** every path asked for, in order */
  asked: string[]
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startRewritingProxy(t: Test, target: string): Promise<RewritingProxy> {
  const proxy: RewritingProxy = { url: '', rewrite: undefined, rewriteBytes: undefined, rewriteHeader: undefined, refuse: undefined, asked: [] }
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const path = request.url ?? '/'
      proxy.asked.push(path)
      if (proxy.refuse?.(path)) {
        response.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        response.end('{"code":"NOT_FOUND"}')
        return
      }
      const headers = new Headers()
      for (const [name, value] of Object.entries(request.headers)) {
        // A man in the middle answers with its own bytes in full: a conditional GET passed on would get the
        // node's 304, and the browser would show the copy it cached before the rewrite.
        if (typeof value === 'string' && !['host', 'connection', 'accept-encoding', 'if-none-match', 'if-modified-since'].includes(name)) headers.set(name, value)
      }
      const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await readBody(request))
      const answer = await fetch(target + path, { method: request.method, headers, body, redirect: 'manual' })
      let bytes: Buffer = Buffer.from(await answer.arrayBuffer())
      const type = answer.headers.get('content-type') ?? ''
      if (type.startsWith('text/html')) {
        if (proxy.rewrite) bytes = Buffer.from(proxy.rewrite(bytes.toString('utf8'), path))
      } else if (proxy.rewriteBytes) bytes = proxy.rewriteBytes(bytes, path)
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) response.setHeader(name, proxy.rewriteHeader ? proxy.rewriteHeader(name, value, path) : value)
      })
      response.writeHead(answer.status)
      response.end(bytes)
    })().catch((error: unknown) => {
      response.writeHead(502)
      response.end(String(error))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  // A browser still open keeps its connections alive: close them, or close() waits for them.
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  }))
  return proxy
}
