#!/usr/bin/env node
// A crowd scanning one lot (a recall, a news story): the demo's recalled lot page asked for over and over by
// many connections, in brotli as a phone asks, beside the peer of the same page asked for in gzip, which the
// node compresses at each request as it did every page before http/compressed-answers.ts. The node runs in its
// own process; prints pages a second, bytes a page and the node's CPU a page. Asserts nothing.
//
//   node bench/crowd.mjs [--requests 4000] [--connections 16] [--rounds 3]

import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { cpuDelta, cpuTimes, dist, flags, fmt, httpClient, machine, startNode, table } from './lib.mjs'

const opts = flags({ requests: 4000, connections: 16, rounds: 3 })
const { seedOverHttp } = await dist('cli/demo.js')
const PAGE = '/01/06901234001037/10/Z260526B'
const ASKING = {
  'brotli, as a phone asks': { accept: 'text/html', 'accept-encoding': 'gzip, deflate, br' },
  'gzip (the peer: compressed at each request)': { accept: 'text/html', 'accept-encoding': 'gzip' },
}

const dir = mkdtempSync(join(os.tmpdir(), 'tracechain-crowd-'))
const node = await startNode(dir)
const rows = [['asked in', 'round', 'pages/s', 'bytes a page', 'node CPU a page']]
try {
  await seedOverHttp(node.url, join(dir, 'keys', 'operator.json'))
  const client = httpClient(node.url, { connections: opts.connections })
  for (let round = 1; round <= opts.rounds; round++) {
    for (const [name, headers] of Object.entries(ASKING)) {
      // Warm: the page rendered and, in brotli, compressed once.
      for (let i = 0; i < 200; i++) await client.request('GET', PAGE, undefined, headers)
      await new Promise((resolve) => setTimeout(resolve, 300))
      let next = 0
      let bytes = 0
      const before = cpuTimes(node.pid)
      const started = performance.now()
      await Promise.all(
        Array.from({ length: opts.connections }, async () => {
          while (next++ < opts.requests) {
            const answer = await client.request('GET', PAGE, undefined, headers)
            if (answer.status !== 200) throw new Error(`${PAGE} answered ${answer.status}`)
            bytes += answer.body.length
          }
        }),
      )
      const seconds = (performance.now() - started) / 1000
      const cpu = cpuDelta(cpuTimes(node.pid), before)
      rows.push([name, String(round), fmt.int(opts.requests / seconds), fmt.int(bytes / opts.requests), cpu ? `${((cpu.total * 1000) / opts.requests).toFixed(2)} ms` : ''])
    }
  }
  client.close()
} finally {
  await node.stop()
  rmSync(dir, { recursive: true, force: true })
}
console.log(`crowd: ${machine()}; ${opts.requests} requests a round over ${opts.connections} connections\n`)
console.log(table(rows))
