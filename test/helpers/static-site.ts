// The plainest static host on 127.0.0.1, for the standalone page's copies: files of a directory by path,
// index.html for a directory, nothing else; it records the paths asked for.

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { extname, join, normalize } from 'node:path'
import type { Test } from 'tap'

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }

/** Serves `dir` until teardown. */
export async function staticSite(t: Test, dir: string): Promise<{ url: string; served: string[] }> {
  const served: string[] = []
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path))
    served.push(path)
    if (!file.startsWith(dir)) return response.writeHead(403).end()
    try {
      const body = readFileSync(file)
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // A browser still open keeps its connections, some of them never used (Chromium preconnects): close() alone
  // waits for those until the headers timeout.
  t.teardown(() => new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  }))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, served }
}

