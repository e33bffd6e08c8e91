// Issue 14: the log as static C2SP tlog-tiles, served by nginx alone. A Go program built only on
// golang.org/x/mod/sumdb/note and sumdb/tlog (tilecheck/) reads the checkpoint, tiles and bundles from
// Debian's nginx (with the server block of docs/static-log.md), rebuilds the tree, checks inclusion from the
// tiles and consistency between two checkpoints taken apart, and fails on a flipped byte anywhere. The tree
// `serve --publish` keeps is the one `publish --out` writes for the stopped node.

import t from 'tap'
import { filesOf } from '../helpers/static-log.js'
import { buildGoProgram, run } from '../helpers/go.js'
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { signCheckpoint } from '../../src/core/checkpoint.js'
import { nodeEd25519 } from '../../src/core/ed25519-node.js'
import { TiledLog } from '../../src/core/tiled-log.js'
import { readKeyFile } from '../../src/cli/node-dir.js'
import { STAGING_DIRECTORY } from '../../src/publish/static-files.js'
import { haveNginx, startNginx } from '../helpers/nginx.js'
import { appendAll, getCheckpoint, registrations, runCli, startNode } from '../helpers/node-process.js'
import { testDir } from '../helpers/test-dir.js'


async function waitForPublication(dir: string, nodeUrl: string): Promise<string> {
  const { note } = await getCheckpoint(nodeUrl)
  for (let i = 0; i < 400; i++) {
    const published = existsSync(join(dir, 'checkpoint')) ? readFileSync(join(dir, 'checkpoint'), 'utf8') : ''
    if (published === note) return note
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${dir} did not reach the node's checkpoint`)
}

function flipByte(path: string, at: number): () => void {
  const original = readFileSync(path)
  const flipped = Buffer.from(original)
  flipped[at % flipped.length] ^= 0x01
  writeFileSync(path, flipped)
  return () => writeFileSync(path, original)
}

t.test('nginx serves the published tree; Go verifies it from nginx alone', async (t) => {
  if (!haveNginx(t)) return
  const root = testDir(t)
  const tilecheck = join(root, 'tilecheck')
  const build = await buildGoProgram(t, tilecheck, 'tilecheck')
  if (!build) return
  t.equal(build.code, 0, `build.sh: ${build.stderr}`)

  const dir = join(root, 'node')
  const live = join(root, 'live')
  const node = await startNode({ dir, args: ['--seed', '--publish', live] })
  t.teardown(() => node.stop())
  t.match(node.output(), `(published to ${live})`)
  const key = await (await fetch(`${node.url}/v1/log/key`)).text()
  const operator = readKeyFile(join(dir, 'keys', 'operator.json'))
  await appendAll(node.url, registrations(operator, 'tiles-a', 600))
  await waitForPublication(live, node.url)
  const first = await getCheckpoint(node.url)
  t.equal(first.size, 656)

  const nginx = await startNginx(live, join(root, 'nginx-live'))
  t.teardown(() => nginx.stop())
  const seen = join(root, 'seen.txt')
  const check1 = await run(tilecheck, ['-url', `${nginx.url}/`, '-key', key, '-samples', '0', '-save', seen])
  t.equal(check1.code, 0, `${check1.stdout}\n${check1.stderr}`)
  t.match(check1.stdout, `tiles ok: size=656 tiles=4 bundles=3 inclusion=656 consistency=none origin=tracechain.local/node`)
  t.equal(readFileSync(seen, 'utf8'), first.note, '-save keeps the verified checkpoint')

  // nginx's headers, with the documented server block.
  const checkpoint = await fetch(`${nginx.url}/checkpoint`)
  t.equal(checkpoint.headers.get('content-type'), 'text/plain; charset=utf-8')
  t.equal(checkpoint.headers.get('cache-control'), 'public, max-age=0, s-maxage=5')
  t.equal(checkpoint.headers.get('access-control-allow-origin'), '*')
  for (const [path, cache] of [
    ['tile/0/001', 'public, max-age=31536000, immutable'],
    ['tile/0/002.p/144', 'public, max-age=5'],
    ['tile/1/000.p/2', 'public, max-age=5'],
    ['tile/entries/000', 'public, max-age=31536000, immutable'],
    ['tile/entries/002.p/144', 'public, max-age=5'],
  ]) {
    const reply = await fetch(`${nginx.url}/${path}`, { headers: { 'accept-encoding': 'gzip' } })
    t.equal(reply.status, 200, path)
    t.equal(reply.headers.get('content-type'), 'application/octet-stream', path)
    t.equal(reply.headers.get('cache-control'), cache, path)
    t.equal(reply.headers.get('access-control-allow-origin'), '*', path)
    if (path.startsWith('tile/entries/')) t.equal(reply.headers.get('content-encoding'), 'gzip', `${path} is compressed`)
    const fromNode = Buffer.from(await (await fetch(`${node.url}/tlog/${path}`)).arrayBuffer())
    t.ok(Buffer.from(await reply.arrayBuffer()).equals(fromNode), `${path}: the node's /tlog/ serves the same bytes`)
  }
  for (const path of ['tile/0/003', 'tile/0/002.p/200', `${STAGING_DIRECTORY}/x`, 'tile/', '', 'tile/entries/x001/000']) {
    const reply = await fetch(`${nginx.url}/${path}`)
    t.equal(reply.status, 404, `/${path}`)
    t.equal(reply.headers.get('cache-control'), 'no-store', `/${path}: a 404 is not cached`)
    t.equal(reply.headers.get('access-control-allow-origin'), '*', `/${path}`)
  }

  // Later, more entries (past another tile edge): the new tree extends the one checked before.
  await appendAll(node.url, registrations(operator, 'tiles-b', 300))
  await waitForPublication(live, node.url)
  const check2 = await run(tilecheck, ['-url', nginx.url, '-key', key, '-previous', seen, '-save', join(root, 'seen2.txt')])
  t.equal(check2.code, 0, `${check2.stdout}\n${check2.stderr}`)
  t.match(check2.stdout, 'tiles ok: size=956 tiles=5 bundles=4 inclusion=200 consistency=656->956 ')

  // A history the same key signed but that this tree does not extend (a split view), and another log's checkpoint.
  const nodeKey = readKeyFile(join(dir, 'keys', 'node.json'))
  const forged = signCheckpoint(
    { origin: 'tracechain.local/node', size: 700, rootHash: new Uint8Array(32).fill(7), extensions: [] },
    { name: 'tracechain.local/node', publicKey: nodeKey.publicKey, sign: (m) => nodeKey.sign(m) },
  )
  writeFileSync(join(root, 'forged.txt'), forged)
  const fork = await run(tilecheck, ['-url', nginx.url, '-key', key, '-previous', join(root, 'forged.txt')])
  t.equal(fork.code, 1, 'a checkpoint of another tree at size 700 is caught')
  t.match(fork.stdout, /FAIL: consistency 700 -> 956: tlog.CheckTree/)
  const other = join(root, 'other-node')
  t.equal((await runCli(['init', '--dir', other])).code, 0)
  t.equal((await runCli(['publish', '--dir', other, '--out', join(root, 'other')])).code, 0)
  const otherLog = await run(tilecheck, ['-url', nginx.url, '-key', key, '-previous', join(root, 'other', 'checkpoint')])
  t.equal(otherLog.code, 1, 'a checkpoint by another key is refused')
  t.match(otherLog.stdout, /FAIL: -previous .*note\.Open/)

  // The stopped node, published again: the same tree, byte for byte.
  t.equal(await node.stop(), 0)
  const offline = join(root, 'offline')
  const published = await runCli(['publish', '--dir', dir, '--out', offline])
  t.equal(published.code, 0, published.stderr)
  t.match(published.stdout, `published size 956 to ${offline}: `)
  const liveFiles = filesOf(live)
  const offlineFiles = filesOf(offline)
  for (const [path, bytes] of offlineFiles) t.ok(liveFiles.get(path)?.equals(bytes), `${path}: the same bytes from serve --publish and publish --out`)
  const extra = [...liveFiles.keys()].filter((path) => !offlineFiles.has(path))
  t.ok(extra.every((path) => /\.p\/\d+$/.test(path)), `serve --publish holds besides only partial tiles superseded within the grace period: ${extra.join(' ')}`)
  t.equal(offlineFiles.size, 5 + 4 + 1)
  const bad = await runCli(['publish', '--dir', dir, '--out', join(root, 'other')])
  t.equal(bad.code, 2, 'publish refuses a DIR of another log')
  t.match(bad.stderr, /CHECKPOINT_MISMATCH/)
  const again = await runCli(['publish', '--dir', dir, '--out', live])
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, `${live} is up to date: size 956`)

  // A flipped byte in any tile, bundle or the checkpoint fails the Go check, and our own reader.
  const tampered = join(root, 'tampered')
  cpSync(offline, tampered, { recursive: true })
  const nginxTampered = await startNginx(tampered, join(root, 'nginx-tampered'))
  t.teardown(() => nginxTampered.stop())
  const fetchFromNginx = (url: string) => async (path: string) => {
    const reply = await fetch(`${url}/${path}`)
    return reply.status === 404 ? undefined : new Uint8Array(await reply.arrayBuffer())
  }
  const ok = await run(tilecheck, ['-url', nginxTampered.url, '-key', key])
  t.equal(ok.code, 0, `the copy before any flip: ${ok.stdout}`)
  for (const [path, at] of [
    ['tile/0/000', 100],
    ['tile/0/002', 8191],
    ['tile/0/003.p/188', 0],
    ['tile/1/000.p/3', 40],
    ['tile/entries/001', 500],
    ['tile/entries/003.p/188', 3000],
    ['checkpoint', 30],
  ] as const) {
    const restore = flipByte(join(tampered, path), at)
    const check = await run(tilecheck, ['-url', nginxTampered.url, '-key', key])
    t.equal(check.code, 1, `${path}: the Go check fails`)
    t.match(check.stdout, path === 'checkpoint' ? /FAIL: checkpoint: note.Open/ : new RegExp(`FAIL: .*${path.replace(/[.]/g, '\\.')}`), `${path}: and names it`)
    await t.rejects(
      (async () => {
        const log = await TiledLog.open({ fetch: fetchFromNginx(nginxTampered.url), verifierKey: key, ed: nodeEd25519 })
        await log.entries(0, log.size)
      })(),
      { code: /^(TILE_INVALID|NOTE_SIGNATURE_INVALID)$/ },
      `${path}: the TypeScript reader fails too`,
    )
    restore()
  }
})
