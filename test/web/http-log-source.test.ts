// What the browser verifier reads from servers it does not trust (web/http-log-source.ts), run here in Node,
// whose fetch is the WHATWG one the browser has, against a real node on 127.0.0.1 behind a copy that turns
// hostile at one path: a body without end, a compression bomb, a body that hardly moves. Each is cut off at
// what the path can hold or at the deadline, and refused (a tile sent too long as a tile that is not the
// log's); the same copy's honest answers still read.
// (A page in Chromium reading such a copy: test/web/verify-tiles.test.ts.)

import t from 'tap'
import { MAX_NOTE_BYTES } from '../../src/core/signed-note.js'
import { maxResourceBytes } from '../../src/core/tile-limits.js'
import { fetchBounded, httpFetcher, MAX_API_ANSWER_BYTES, tileFetcher } from '../../src/web/http-log-source.js'
import { hostileServer, type Hostility } from '../helpers/hostile-server.js'
import { demoApp } from '../helpers/web.js'

const MIB = 1024 * 1024

const refusedAsTooLarge = { name: 'TracechainError', code: 'BODY_TOO_LARGE' }
/** A tile longer than its path can hold is a tile that is not the log's, named as any other (web/verify-entries.ts invalidTileOf). */
const invalidTile = (path: string) => ({ name: 'TracechainError', code: 'TILE_INVALID', details: { path } })

t.test('a copy of the tiles that sends more than a path can hold is cut off there and refused', async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const cases: [string, string, Hostility][] = [
    ['an endless checkpoint', 'checkpoint', 'endless'],
    ['an endless hash tile', 'tile/0/000.p/1', 'endless'],
    ['a gzip bomb as a hash tile', 'tile/0/000.p/2', 'bomb'],
    ['an endless entry bundle', 'tile/entries/000.p/3', 'endless'],
  ]
  for (const [what, hostilePath, hostility] of cases) {
    const copy = await hostileServer(t, (path) => `${baseUrl}/tlog${path}`, (path) => (path === `/${hostilePath}` ? hostility : undefined))
    const tiles = tileFetcher(`${copy.url}/`)
    const started = Date.now()
    await t.rejects(tiles(hostilePath), invalidTile(hostilePath), `${what}: TILE_INVALID, naming it`)
    const max = maxResourceBytes(hostilePath)
    // What was sent past the bound sat in the sockets' buffers when the reader hung up; nothing near the server's cap.
    if (hostility !== 'bomb') t.ok(copy.sent() < max + 8 * MIB, `${what}: ${copy.sent()} bytes sent for a path that holds ${max}`)
    t.ok(Date.now() - started < 10_000, `${what}: within ${Date.now() - started} ms`)
    const honest = await tiles('checkpoint').catch(() => undefined)
    if (hostilePath !== 'checkpoint') t.ok(honest && honest.length > 0 && honest.length <= MAX_NOTE_BYTES, `${what}: the checkpoint of the same copy reads`)
  }
})

t.test("the node's API: an endless answer is cut off at the longest answer it sends", async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const copy = await hostileServer(t, (path) => `${baseUrl}${path}`, (path) => (path.startsWith('/v1/witnesses') ? 'endless' : path.startsWith('/v1/actors') ? 'bomb' : undefined))
  const api = httpFetcher(copy.url)
  t.match(await api.text('/v1/log/key'), /^[^+\s]+\+[0-9a-f]{8}\+/, 'an honest answer reads')
  await t.rejects(api.json('/v1/witnesses'), refusedAsTooLarge, 'endless JSON: BODY_TOO_LARGE')
  t.ok(copy.sent() < MAX_API_ANSWER_BYTES + 8 * MIB, `${copy.sent()} bytes sent, the bound ${MAX_API_ANSWER_BYTES}`)
  await t.rejects(api.json('/v1/actors/farm-1'), refusedAsTooLarge, 'a gzip bomb as JSON: BODY_TOO_LARGE')
})

t.test('the deadline covers the whole answer: headers at once and then a byte every 50 ms is given up', async (t) => {
  const { baseUrl } = await demoApp(t, { listen: true })
  const copy = await hostileServer(t, (path) => `${baseUrl}/tlog${path}`, (path) => (path === '/tile/0/000.p/1' ? 'trickle' : undefined))
  const tiles = tileFetcher(`${copy.url}/`, 500)
  const started = Date.now()
  await t.rejects(tiles('tile/0/000.p/1'), { name: 'AbortError' }, 'aborted')
  const took = Date.now() - started
  t.ok(took >= 450 && took < 5_000, `given up after ${took} ms`)
  t.ok(copy.sent() > 0, `the copy had begun its body (${copy.sent()} bytes): the headers were not what the deadline waited for`)
  t.ok((await tiles('checkpoint'))?.length, 'an honest answer within the deadline reads')
  await t.rejects(fetchBounded(`${copy.url}/tile/0/000.p/1`, {}, 1024, 300), { name: 'AbortError' })
})

t.test('what each path of a copy can hold', async (t) => {
  t.equal(maxResourceBytes('checkpoint'), MAX_NOTE_BYTES)
  t.equal(maxResourceBytes('tile/0/000'), 256 * 32, 'a full hash tile')
  t.equal(maxResourceBytes('tile/3/x001/234.p/7'), 7 * 32, 'a partial one, at any level and index')
  t.equal(maxResourceBytes('tile/entries/000'), 256 * 65_537, 'a full entry bundle, every entry at its longest')
  t.equal(maxResourceBytes('tile/entries/001.p/3'), 3 * 65_537)
  t.throws(() => maxResourceBytes('v1/entries'), { code: 'BAD_REQUEST' }, 'no other path')
})
