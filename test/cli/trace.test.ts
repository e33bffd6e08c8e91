// `tracechain trace`: a lot's provenance graph from a running node (--url) and from its stopped data directory
// (--dir), the same graph as GET /v1/trace/:id either way; bad flags refused by name; what a hostile node
// sends is printed without control characters, and an answer that is no graph is said to be one.

import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { logKeyIdOf } from '../../src/core/log-key-id.js'
import { getJson, runCli, startMirror, startNode, until } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'

const LOT = 'https://id.gs1.org/01/06901234001037/10/Z260526A'
const RECALLED_PORK = 'https://id.gs1.org/01/06901234000283/10/P2605C'

t.test('from a running node and from its data directory: the graph GET /v1/trace answers, as lines or JSON', async (t) => {
  const dir = join(testDir(t), 'node')
  const node = await startNode({ dir, args: ['--seed'] })
  t.teardown(() => node.stop())
  const routed = new Map<string, unknown>()
  for (const [id, query] of [
    [LOT, 'direction=both&depth=10'],
    [LOT, 'direction=backward&depth=1'],
    [RECALLED_PORK, 'direction=forward&depth=10'],
  ] as const) {
    const graph = await getJson(`${node.url}/v1/trace/${encodeURIComponent(id)}?${query}`)
    routed.set(`${id} ${query}`, graph)
    const params = new URLSearchParams(query)
    const run = await runCli(['trace', '--id', id, '--url', node.url, '--direction', params.get('direction') as string, '--depth', params.get('depth') as string, '--json'])
    t.equal(run.code, 0, `${id} ${query}`)
    t.same(JSON.parse(run.stdout), graph, `--json is the route's answer: ${query}`)
  }

  const lines = await runCli(['trace', '--id', LOT, '--url', node.url])
  t.equal(lines.code, 0)
  t.match(lines.stdout, /^trace of urn:epc:class:lgtin:6901234\.000103\.Z260526A: 4 nodes, 3 edges\nnodes\n/)
  t.match(lines.stdout, /\n {2}#1 {2}https:\/\/id\.gs1\.org\/01\/06901234001037\/10\/Z260526A {2}嘉兴鲜肉粽 \/ Jiaxing pork zongzi {2}lot Z260526A\n/)
  t.match(lines.stdout, /\n {2}seq \d+ {2}2026-05-26T02:00:00\.000Z {2}TransformationEvent creating_class_instance {2}#\d -> #1\n/, 'an edge names its seq, time, step and ends')
  const recalled = await runCli(['trace', '--id', RECALLED_PORK, '--url', node.url, '--direction', 'backward', '--depth', '1'])
  t.match(recalled.stdout, /#1 {2}https:\/\/id\.gs1\.org\/01\/06901234000283\/10\/P2605C .* {2}RECALLED\n/, 'a recalled lot is marked')

  // Bad flags are the caller's, refused by name before anything is asked.
  for (const [args, said] of [
    [['--direction', 'sideways'], /--direction must be one of both, backward, forward, got "sideways"/],
    [['--depth', '0'], /--depth must be a whole number of hops from 1 to 64, got "0"/],
    [['--depth', '65'], /got "65"/],
    [['--depth', '1e1'], /got "1e1"/],
    [['--dir', dir], /trace needs either --url \(a running node\) or --dir/],
    [['extra'], /Unexpected argument 'extra'/],
  ] as const) {
    const run = await runCli(['trace', '--id', LOT, '--url', node.url, ...args])
    t.equal(run.code, 2, args.join(' '))
    t.match(run.stderr, said)
  }
  const noId = await runCli(['trace', '--url', node.url])
  t.match([noId.code, noId.stderr], [2, /--id is required/])
  // The node's refusal keeps its code.
  const badId = await runCli(['trace', '--id', 'https://id.gs1.org/01/06901234001038/10/X', '--url', node.url])
  t.equal(badId.code, 2)
  t.match(badId.stderr, /CHECK_DIGIT_INVALID/)

  // A running node holds its store: --dir says so. Stopped, the data directory gives the same graphs.
  // (It used to be called STORE_CORRUPT, for verify --dir and a second serve too: a regulator told a live node's store was damaged.)
  for (const args of [['trace', '--id', LOT, '--dir', dir], ['verify', '--dir', dir]]) {
    const busy = await runCli(args)
    t.equal(busy.code, 2, args[0])
    t.match(busy.stderr, /DIRECTORY_IN_USE: the store at .* is open in another process \(a running node or mirror\): stop it first, or ask it over HTTP \(--url\)/)
    t.notMatch(busy.stderr, /CORRUPT/)
  }
  await node.stop()
  for (const [key, graph] of routed) {
    const [id, query] = key.split(' ')
    const params = new URLSearchParams(query)
    const run = await runCli(['trace', '--id', id, '--dir', dir, '--direction', params.get('direction') as string, '--depth', params.get('depth') as string, '--json'])
    t.equal(run.code, 0, `--dir ${key}`)
    t.same(JSON.parse(run.stdout), graph, `--dir gives the route's graph: ${key}`)
  }
})

t.test("a hostile node's words reach the terminal without control characters; an answer that is no graph is NODE_UNAVAILABLE", async (t) => {
  const ESC = '\u001b'
  const graph = {
    root: `urn:x${ESC}[2J`,
    nodes: [{ id: 'urn:x', digitalLink: `https://evil.example/${ESC}]0;owned\u0007`, product: { gtin: '1', name: { zh: `名${ESC}[31m`, en: 'a\u202eb' } }, lot: `L${ESC}c`, recalled: false }],
    edges: [{ from: 'urn:x', to: `urn:y${ESC}[1A`, seq: 1, eventType: 'ObjectEvent', bizStep: `x${ESC}[K`, eventTime: '2026' }],
    truncated: true,
  }
  let answer: unknown = graph
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const run = await runCli(['trace', '--id', 'urn:x', '--url', url])
  t.equal(run.code, 0)
  t.notMatch(run.stdout, /[\u0000-\u0009\u000b-\u001f\u007f\u202e]/, 'no control character but newlines')
  t.match(run.stdout, /cut short at the node or read limit/)
  t.match(run.stdout, /名\?\[31m \/ a\?b/)
  for (const notAGraph of [{ nodes: 5 }, [], 'text', { root: 'x', nodes: [{ id: 1 }], edges: [] }, { root: 'x', nodes: [], edges: [{ seq: 'one' }] }]) {
    answer = notAGraph
    const refused = await runCli(['trace', '--id', 'urn:x', '--url', url])
    t.equal(refused.code, 2, JSON.stringify(notAGraph))
    t.match(refused.stderr, /NODE_UNAVAILABLE: GET .*: the answer is not a trace graph\n$/)
  }
})

t.test("a mirror's data directory gives the same graph, and an offline label with the followed log's key id", async (t) => {
  const root = testDir(t)
  const node = await startNode({ dir: join(root, 'node'), args: ['--seed'] })
  t.teardown(() => node.stop())
  const key = await (await fetch(`${node.url}/v1/log/key`)).text()
  const mirrorDir = join(root, 'mirror')
  const mirror = await startMirror({ dir: mirrorDir, from: `${node.url}/tlog/`, key })
  t.teardown(() => mirror.stop())
  const size = (await getJson<{ size: number }>(`${node.url}/healthz`)).size
  await until('the mirror caught up', async () => ((await getJson<{ size: number }>(`${mirror.url}/healthz`)).size === size) || undefined)
  const graph = await getJson(`${node.url}/v1/trace/${encodeURIComponent(LOT)}?direction=both&depth=10`)
  await mirror.stop()
  // It used to say the directory held no node and to run tracechain init on it.
  const traced = await runCli(['trace', '--id', LOT, '--dir', mirrorDir, '--json'])
  t.equal(traced.code, 0, traced.stderr)
  t.same(JSON.parse(traced.stdout), graph)
  const label = await runCli(['label', '--id', LOT, '--dir', mirrorDir, '--base-url', 'https://trace.example.cn', '--out', join(root, 'label.svg')])
  t.equal(label.code, 0, label.stderr)
  t.match(label.stderr, `https://trace.example.cn/01/06901234001037/10/Z260526A#log=${logKeyIdOf(key)}`)
  const neither = await runCli(['trace', '--id', LOT, '--dir', root])
  t.match([neither.code, neither.stderr], [2, /NOT_INITIALISED: .* holds no node or mirror/])
})
