// Hunt 3 (peers): a command that asks a node (bundle --url, verify --url, submit, export …) prints the node's
// refusal in the node's own words: "tracechain bundle: NOT_FOUND: 404 from URL: <its message>". The node is not
// trusted, and before, its message reached the terminal as it came: ESC[2J ESC[H cleared the screen and wrote
// what the node liked where the error had been. Now what a command prints of an error goes through printable()
// but for its line breaks: control and bidirectional characters as '?'.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import { runCli } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const UNPRINTABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

t.test("a node's refusal reaches the terminal without control characters", async (t) => {
  const server = createServer((request, response) => {
    request.resume()
    response.writeHead(404, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: '\u001b[2J\u001b[HVERIFIED: all good\u202e' }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const run = await runCli(['bundle', '--url', url, '--seq', '1', '--out', join(testDir(t), 'b.json')])
  t.equal(run.code, 2)
  t.match(run.stderr, /^tracechain bundle: NOT_FOUND: 404 from .*VERIFIED: all good/, "the node's words, still there")
  t.notMatch(run.stderr, UNPRINTABLE, 'without what would write to the terminal')
})
