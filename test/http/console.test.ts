// GET /v1/alerts's filters (organisation, seal, lot in any spelling, time range, newest first) over the
// seeded demo, and the console they feed: its form, chart, cards with their links and verified entries,
// the live wiring, the rows it fetches, its paging, and bad input refused with a code.

import t from 'tap'
import type { Alert } from '../../src/ledger/alerts.js'
import { seededDemoApp } from '../helpers/demo-app.js'
import { SEAL as VILLAGE_SEAL, village } from '../helpers/seal.js'

const SEAL = 'yiqiao-committee-seal'
const RECALLED = 'Z260526B'
const HTML = { accept: 'text/html' }

t.test('GET /v1/alerts: by organisation, seal, lot and time, either order', async (t) => {
  const { app } = await seededDemoApp(t)
  const get = async (query: string) => {
    const response = await app.inject(`/v1/alerts?${query}`)
    t.equal(response.statusCode, 200, query)
    return response.json() as { alerts: Alert[]; nextPageToken?: string }
  }
  const all = (await get('')).alerts
  t.ok(all.length >= 10)
  const village = (await get('org=xiaoshan-yiqiao-village')).alerts
  t.ok(village.length > 0 && village.every((a) => a.sealId === SEAL || a.actor?.startsWith('yiqiao-')), "the village: its seal alerts and its members' late records")
  t.same(new Set(village.filter((a) => a.sealId).map((a) => a.kind)), new Set(all.filter((a) => a.sealId === SEAL).map((a) => a.kind)))
  t.same((await get('org=hz-amr')).alerts.map((a) => a.kind), ['INSPECTION_FAILED', 'LATE_RECORD', 'LATE_RECORD'], "the regulator's own finding, and its late records")
  t.same((await get('org=nobody')).alerts, [])
  t.same((await get(`seal=${SEAL}`)).alerts, all.filter((a) => a.sealId === SEAL))

  const recalled = all.filter((a) => (a.ids ?? []).some((id) => id.endsWith(`.${RECALLED}`)))
  t.ok(recalled.length >= 2)
  for (const lot of [RECALLED, `https://id.gs1.org/01/06901234001037/10/${RECALLED}`, 'urn:epc:class:lgtin:6901234.000103.Z260526B', `06901234001037 ${RECALLED}`]) {
    t.same((await get(`lot=${encodeURIComponent(lot)}`)).alerts, recalled, `lot ${lot}`)
  }
  t.same((await get('lot=NO-SUCH-LOT')).alerts, [])

  const times = all.map((a) => a.at).sort()
  const middle = times[Math.floor(times.length / 2)]
  const window = (await get(`since=${times[0]}&until=${middle}`)).alerts
  t.ok(window.length > 0 && window.every((a) => a.at >= times[0] && a.at < middle), 'since inclusive, until exclusive')
  t.same((await get('until=2000-01-01T00:00:00Z')).alerts, [])

  const newest = (await get('order=desc')).alerts
  t.same(newest, [...all].reverse(), 'newest first is the same order reversed')
  const pages: Alert[] = []
  let token: string | undefined
  do {
    const page = await get(`order=desc&limit=3${token ? `&pageToken=${token}` : ''}`)
    pages.push(...page.alerts)
    token = page.nextPageToken
  } while (token)
  t.same(pages, newest, 'pages of three, newest first, cover them all once')

  for (const bad of ['org=bad%00id', 'seal=' + 'x'.repeat(65), 'order=sideways', 'until=tomorrow', `lot=${'x'.repeat(513)}`]) {
    const response = await app.inject(`/v1/alerts?${bad}`)
    t.equal(response.statusCode, 400, bad)
    t.equal(response.json().code, 'BAD_REQUEST', bad)
  }
})

t.test('GET /console: the form, the chart, the cards with their links and entries, the live wiring', async (t) => {
  const { app } = await seededDemoApp(t)
  const page = await app.inject({ url: '/console', headers: HTML })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.headers['content-security-policy'], /script-src 'self'/)
  const html = page.body
  t.match(html, '<html lang="zh-CN">')
  t.match(html, /<form class="filters" method="get" action="\/console"/, 'a GET form: filters work without script')
  for (const name of ['kind', 'org', 'seal', 'lot', 'from', 'to']) t.match(html, new RegExp(`name="${name}"`), `the form has ${name}`)
  t.match(html, /<option value="xiaoshan-yiqiao-village">/)
  t.match(html, /<svg viewBox="0 0 640 200" role="img" aria-label="各类预警数量/, 'the chart, drawn on the server')
  t.match(html, /近 (30|365) 天/, 'over the last days')
  t.match(html, /<details><summary>数据表<\/summary>/, 'its counts as a table')

  const all = (await app.inject('/v1/alerts?order=desc&limit=30')).json().alerts as Alert[]
  const kinds = [...html.matchAll(/<li class="alert [^"]*" data-position="[^"]+" data-kind="([A-Z_]+)"/g)].map((m) => m[1])
  t.same(kinds, all.map((a) => a.kind), 'every alert, newest first')
  t.match(html, new RegExp(`href="/01/06901234001037/10/${RECALLED}\\?lang=zh"`), 'a lot links to its page')
  t.match(html, new RegExp(`href="/seals/${SEAL}\\?lang=zh#YQ-2026-004"`), 'an application to its place on the seal page')
  t.match(html, /href="\/v1\/entries\/\d+"/, 'an entry to itself')

  // Each entry of each card is in a bound area with its signer, as the log has it.
  const areas = [...html.matchAll(/data-bound="alert\.entries" data-evidence="([\d ]+)"/g)].map((m) => m[1].split(' ').map(Number))
  t.ok(areas.length >= all.filter((a) => a.seqs.length > 0).length)
  for (const [, seq, actor] of html.matchAll(/<li data-seq="(\d+)" data-actor="([^"]+)" data-fact="entry">/g)) {
    const entry = (await app.inject(`/v1/entries/${seq}`)).json().entry
    t.equal(JSON.parse(Buffer.from(entry.envelope.payload, 'base64').toString()).actor, actor, `entry ${seq}'s signer`)
  }
  t.match(html, /data-verification="pending"/)
  t.match(html, /<script src="\/web\/console-[0-9a-f]{16}\.js" integrity="sha384-/)

  const stream = /data-stream="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, '&') as string
  t.match(stream, /^\/v1\/alerts\/stream\?lastEventId=[A-Za-z0-9_-]+$/, 'live from the newest card')
  const rows = /data-rows="([^"]+)"/.exec(html)?.[1].replace(/&amp;/g, '&') as string
  t.match(rows, /^\/console\/rows\?lang=zh&after=/)

  const english = await app.inject({ url: '/console?lang=en', headers: HTML })
  t.match(english.body, '<html lang="en">')
  t.match(english.body, /Alerts console/)
  t.match(english.body, /<p lang="en" class="msg">/)
})

t.test('GET /console filters, pages and refuses bad input; /console/rows gives the cards after one', async (t) => {
  const { app } = await seededDemoApp(t)
  const html = async (query: string) => {
    const response = await app.inject({ url: `/console?${query}`, headers: HTML })
    t.equal(response.statusCode, 200, query)
    return response.body
  }
  const cardKinds = (body: string) => [...body.matchAll(/data-kind="([A-Z_]+)"/g)].map((m) => m[1])
  t.same(new Set(cardKinds(await html('kind=OVER_BUDGET'))), new Set(['OVER_BUDGET']))
  t.match(await html('kind=OVER_BUDGET'), /<option value="OVER_BUDGET" selected>/, 'the form keeps what was chosen')
  t.same(new Set(cardKinds(await html(`lot=${RECALLED}`))), new Set(['TEMPERATURE_EXCURSION', 'EVENT_AFTER_RECALL']))
  t.same(cardKinds(await html('kind=&org=&seal=&lot=&from=&to=')), cardKinds(await html('')), 'an empty form is no filter')
  const past = await html('from=2020-01-01&to=2020-01-31')
  t.same(cardKinds(past), [])
  t.match(past, /没有符合条件的预警/)
  t.notMatch(past, /data-stream=/, 'no live updates for a range that has ended')
  t.match(await html('from=2020-01-31&to=2020-01-01'), /name="from" value="2020-01-01"/, 'dates in the wrong order are put right')

  for (const bad of ['kind=lower', 'from=2020-1-1', 'org=bad%00id', 'pageToken=nope', 'other=1', 'lang=fr']) {
    const response = await app.inject({ url: `/console?${bad}`, headers: HTML })
    t.equal(response.statusCode, 400, bad)
    t.match(response.json().code, /^(BAD_REQUEST|PAGE_TOKEN_INVALID)$/, bad)
  }

  const full = await html('')
  const positions = [...full.matchAll(/data-position="([^"]+)"/g)].map((m) => m[1])
  const rows = await app.inject({ url: `/console/rows?after=${positions[2]}`, headers: HTML })
  t.equal(rows.statusCode, 200)
  t.equal(rows.headers['cache-control'], 'no-store')
  t.same([...rows.body.matchAll(/data-position="([^"]+)"/g)].map((m) => m[1]), [positions[1], positions[0]], 'the two newer, oldest first')
  t.match(rows.body, /class="alert [^"]* fresh"/)
  t.equal((await app.inject({ url: `/console/rows?after=${positions[0]}`, headers: HTML })).body, '', 'none after the newest')
  t.equal((await app.inject({ url: '/console/rows?since=2000-01-01T00:00:00Z&kind=OVERDUE', headers: HTML })).statusCode, 200)
  for (const bad of ['', `after=${positions[0]}&since=2000-01-01T00:00:00Z`, 'after=nope']) {
    const response = await app.inject({ url: `/console/rows?${bad}`, headers: HTML })
    t.equal(response.statusCode, 400, bad || 'neither after nor since')
  }
})

t.test('the console pages through many alerts, thirty a page, newest first', async (t) => {
  const v = await village(t)
  for (let i = 0; i < 35; i++) await v.apply(`p-${String(i).padStart(2, '0')}`, { amount: 9000, budget: 8000 })
  const first = (await v.app.inject({ url: '/console?kind=OVER_BUDGET', headers: HTML })).body
  const apps = (body: string) => [...body.matchAll(/#(p-\d\d)">p-\d\d</g)].map((m) => m[1])
  t.same(apps(first), Array.from({ length: 30 }, (_, i) => `p-${String(34 - i).padStart(2, '0')}`))
  t.match(first, new RegExp(`/seals/${VILLAGE_SEAL}\\?lang=zh#p-34`))
  const older = /href="(\/console\?[^"]+pageToken=[^"]+)" rel="next"/.exec(first)?.[1].replace(/&amp;/g, '&') as string
  t.ok(older, 'a link to older alerts')
  const second = (await v.app.inject({ url: older, headers: HTML })).body
  t.same(apps(second), ['p-04', 'p-03', 'p-02', 'p-01', 'p-00'])
  t.notMatch(second, /rel="next"/)
  t.match(second, /rel="first"/)
  t.notMatch(second, /data-stream=/, 'an older page does not grow')
  t.match(first, /各类预警数量（每日） · 35条/, 'the chart counts all 35')
})
