// The resolver's HTML answers and the explorer, through HTTP on the seeded demo: negotiation,
// language, the journey, the recall banner, the 400 page, weight, and the search.

import t from 'tap'
import { buildVerifierBundle } from '../../src/web/bundle.js'
import { demoApp, FINE_LOT, lotPath, RECALLED_LOT, ZONGZI } from '../helpers/web.js'

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }
/** What the page may weigh over the wire before images: the HTML and the verifier script. */
const PAGE_BUDGET_BYTES = 100 * 1024

t.before(async () => {
  await buildVerifierBundle()
})

t.test('the resolver answers browsers with the page and API clients with JSON', async (t) => {
  const { app } = await demoApp(t)
  const page = await app.inject({ url: lotPath(FINE_LOT), headers: HTML })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.headers.vary, /Accept/)
  t.match(page.body, /data-verification="pending"/)
  t.match(page.body, /<script src="\/web\/consumer-[0-9a-f]{16}\.js" integrity="sha384-[A-Za-z0-9+/]{64}" crossorigin="anonymous" defer><\/script>/)
  t.match(page.headers['content-security-policy'], /script-src 'self' 'sha256-[A-Za-z0-9+/]{43}='; (worker-src 'self'; )?connect-src 'self'/)
  for (const headers of [{ accept: 'application/json' }, {}, { accept: '*/*' }, { accept: 'application/json, text/html;q=0.5' }]) {
    const json = await app.inject({ url: lotPath(FINE_LOT), headers })
    t.match(json.headers['content-type'], /^application\/json/, JSON.stringify(headers))
    t.equal(json.json().lot, FINE_LOT)
  }
  t.match((await app.inject({ url: `${lotPath(FINE_LOT)}?format=json`, headers: HTML })).headers['content-type'], /^application\/json/)
  t.match((await app.inject({ url: `${lotPath(FINE_LOT)}?format=html` })).headers['content-type'], /^text\/html/)
})

t.test('Chinese by default, English where the browser asks, and a switch', async (t) => {
  const { app } = await demoApp(t)
  const get = (query: string, language?: string) =>
    app.inject({ url: `${lotPath(FINE_LOT)}${query}`, headers: { ...HTML, ...(language ? { 'accept-language': language } : {}) } })
  const zh = await get('')
  t.match(zh.body, /<html lang="zh-CN">/)
  t.equal(zh.headers['content-language'], 'zh-CN')
  t.match(zh.body, /嘉兴鲜肉粽/)
  t.match(zh.body, /从农田到货架/)
  t.match(zh.body, /href="\/01\/06901234001037\/10\/Z260526A\?lang=en"[^>]*>English</)
  const en = await get('', 'en-US,en;q=0.9')
  t.match(en.body, /<html lang="en">/)
  t.match(en.body, /From farm to shelf/)
  t.match(en.body, /<h1 data-fact="product">Jiaxing pork zongzi<\/h1>/)
  t.match(en.body, />中文</)
  t.match((await get('', 'fr-FR,en;q=0.8,zh;q=0.9')).body, /<html lang="zh-CN">/, 'zh ranked above en')
  t.match((await get('', 'fr-FR,en;q=0.5')).body, /<html lang="en">/)
  t.match((await get('?lang=zh', 'en')).body, /<html lang="zh-CN">/, '?lang wins over the header')
  t.match((await get('?lang=en')).body, /<html lang="en">/)
})

t.test('the journey from farm to shop: who, where, when, what, temperatures, certificates', async (t) => {
  const { app } = await demoApp(t)
  const json = (await app.inject({ url: lotPath(FINE_LOT), headers: { accept: 'application/json' } })).json()
  const page = (await app.inject({ url: lotPath(FINE_LOT), headers: HTML })).body
  for (const stage of ['收获', '屠宰检疫', '发货', '收货验收', '加工制作', '包装装箱', '冷链运输', '门店销售']) t.match(page, `<h3 data-fact="stage">${stage}</h3>`, stage)
  t.match(page, /安吉稻米合作社<\/p><p class="where" data-fact="place"><svg class="pin"><use href="#pin"\/><\/svg>浙江 · 湖州 · 安吉/)
  t.match(page, /杭州西湖生鲜超市/)
  t.match(page, /2026年5月20日 08:00/)
  t.match(page, /安吉糯米 · 批次 <span class="code">R2605A<\/span> · <span data-fact="quantity">2000 kg<\/span>/)
  t.match(page, /<div class="chart"><svg viewBox="0 0 320 96" role="img"/)
  t.match(page, /全程在储存温度内（要求 0–4 °C）/)
  t.match(page, /href="https:\/\/www\.example\.cn\/quarantine\/certificate\/JH-2605-0088"/)
  t.match(page, /保质期至<\/dt><dd data-fact="best-before">2026年11月22日/)
  t.match(page, /追溯码<\/dt><dd data-fact="trace-code"><span class="code">EQKW-2CTH/)
  t.notMatch(page, /Z260526B/, 'the sibling lot made from the same rice is not on this lot\'s page')
  t.notMatch(page, /P2605C/, 'nor the pork lot that went into it')
  t.notMatch(page, /role="alert"|召回发布后/, 'no recall banner')
  // Absence is the operator's computation up to a checkpoint, and the page says so rather than more.
  t.match(page, /截至检查点 \d+，Operator 的账本中未见召回。/)
  const seqs = [...page.matchAll(/data-seq="(\d+)"/g)].map((m) => Number(m[1]))
  t.ok(seqs.length >= 8)
  const events = new Set([...json.events, ...json.inspections].map((e: { seq: number }) => e.seq))
  t.ok(seqs.every((seq) => events.has(seq)), 'every step on the page is an event or inspection of the resolver view')
})

t.test('the recalled lot: a red banner saying 召回 / Recalled, with the reason and date', async (t) => {
  const { app } = await demoApp(t)
  const zh = (await app.inject({ url: lotPath(RECALLED_LOT), headers: HTML })).body
  t.match(zh, /<section class="recall" role="alert" data-fact="recall"><h2>召回 \/ Recalled<\/h2><p><strong>抽检不合格：兽药残留超标<\/strong>/)
  // The demo is seeded now: the recall took effect when recorded, the regulator's own date beside it.
  // The demo records the recall a minute after it was signed: one date, the signer's shown only when a day apart.
  t.match(zh, /召回日期<\/dt><dd>2026年5月29日 · 一级召回/)
  t.match(zh, /本批次使用了被召回的原料/)
  t.match(zh, /金华两头乌鲜猪肉 · <span class="code">P2605C/)
  t.match(zh, /杭州市市场监督管理局/)
  t.match(zh, /9\.5 °C，超出储存温度/, 'the 9.5 °C excursion')
  t.match(zh, /召回发布后售出/, 'the sale after the recall is marked')
  t.match(zh, /<ol class="route" data-fact="route" aria-label="产地与流向">/, 'the route summary, map-free')
  t.match(zh, /<li><b>安吉<\/b><small>收获<\/small><\/li><li><b>金华<\/b><small>屠宰检疫<\/small><\/li><li><b>嘉兴<\/b><small>加工制作<\/small><\/li><li><b>杭州<\/b><small>门店销售<\/small><\/li>/)
  const en = (await app.inject({ url: `${lotPath(RECALLED_LOT)}?lang=en`, headers: HTML })).body
  t.match(en, /<h2>召回 \/ Recalled<\/h2><p><strong>Failed inspection: veterinary drug residue above limit<\/strong>/)
  t.match(en, /Recalled on<\/dt><dd>29 May 2026 · Class I recall/)
})

t.test('Digital Link syntax errors get a 400 page that says what is wrong', async (t) => {
  const { app } = await demoApp(t)
  const cases: [string, RegExp, RegExp, string][] = [
    [`/01/${ZONGZI.slice(0, 13)}6/10/Z`, /校验位错误：最后一位应为 7/, /wrong check digit: the last digit should be 7/, 'CHECK_DIGIT_INVALID'],
    [`/01/${ZONGZI}/21/S1/10/Z`, /限定符顺序错误/, /Qualifiers are out of order \(21, 10\)/, 'IDENTIFIER_INVALID'],
    [`/01/${ZONGZI}/10/Z%20A`, /批次号“Z A”含有不允许的字符/, /The lot &quot;Z A&quot; has characters outside GS1 character set 82/, 'IDENTIFIER_INVALID'],
    [`/01/12345/10/Z`, /应为 8、12、13 或 14 位数字/, /must be 8, 12, 13 or 14 digits/, 'IDENTIFIER_INVALID'],
    [`/01/${ZONGZI}/99/X`, /不支持的限定符 99/, /Unsupported qualifier 99/, 'IDENTIFIER_INVALID'],
  ]
  for (const [url, zh, en, code] of cases) {
    const page = await app.inject({ url, headers: HTML })
    t.equal(page.statusCode, 400, url)
    t.match(page.headers['content-type'], /^text\/html/)
    t.match(page.body, zh, url)
    t.match(page.body, new RegExp(code))
    t.match((await app.inject({ url: `${url}?lang=en`, headers: HTML })).body, en, url)
    const json = await app.inject({ url, headers: { accept: 'application/json' } })
    t.equal(json.statusCode, 400)
    t.equal(json.json().code, code, `${url} JSON`)
  }
  const unknown = await app.inject({ url: `/01/${ZONGZI}/10/NEVER`, headers: HTML })
  t.equal(unknown.statusCode, 404, 'a well-formed lot the ledger does not know')
  t.match(unknown.body, /此批次尚无记录/)
})

t.test(`the page weighs under ${PAGE_BUDGET_BYTES / 1024} kB over the wire before images`, async (t) => {
  const { app } = await demoApp(t)
  const script = await app.inject({ url: '/web/consumer.js', headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.equal(script.statusCode, 200)
  t.equal(script.headers['content-encoding'], 'br', "the consumer page's verifier travels compressed")
  t.match(script.headers['content-type'], /^text\/javascript/)
  for (const lot of [FINE_LOT, RECALLED_LOT]) {
    const page = await app.inject({ url: lotPath(lot), headers: HTML })
    const total = page.rawPayload.length + script.rawPayload.length
    t.ok(total < PAGE_BUDGET_BYTES, `${lot}: HTML ${page.rawPayload.length} + script ${script.rawPayload.length} = ${total} bytes`)
    t.notMatch(page.body, /<link rel="stylesheet"|<script src="http/, 'no other stylesheet or script to fetch')
  }
})

t.test('the explorer: checkpoint, recent entries to verify, lots with labels, search', async (t) => {
  const { app, node } = await demoApp(t)
  const home = await app.inject({ url: '/', headers: HTML })
  t.equal(home.statusCode, 200)
  t.match(home.body, /data-verification="pending"/)
  t.match(home.body, new RegExp(`<dt>记录数</dt><dd>${node.ledger.size}</dd>`))
  t.match(home.body, /<pre>tracechain\.test\/node\n/)
  t.equal([...home.body.matchAll(/<tr data-seq="(\d+)"/g)].length, 20)
  t.match(home.body, /<img src="\/v1\/labels\/https%3A%2F%2Fid\.gs1\.org%2F01%2F06901234001037%2F10%2FZ260526A\.svg\?size=screen"/)
  t.match(home.body, /<form class="search" action="\/search"/)
  t.match((await app.inject('/?lang=en')).body, /Ledger explorer/)
  const searches: [string, string][] = [
    ['EQKW-2CTH', `${lotPath(FINE_LOT)}`],
    ['eqkw2cth', `${lotPath(FINE_LOT)}`],
    [FINE_LOT, `${lotPath(FINE_LOT)}`],
    [`${ZONGZI} ${RECALLED_LOT}`, `${lotPath(RECALLED_LOT)}`],
    [`https://trace.example.cn${lotPath(RECALLED_LOT)}`, `${lotPath(RECALLED_LOT)}`],
    ['urn:epc:class:lgtin:6901234.000103.Z260526A', `${lotPath(FINE_LOT)}`],
  ]
  for (const [q, location] of searches) {
    const found = await app.inject(`/search?q=${encodeURIComponent(q)}&lang=en`)
    t.equal(found.statusCode, 303, q)
    t.equal(found.headers.location, `${location}?lang=en`, q)
  }
  const none = await app.inject({ url: '/search?q=NOTHING-HERE', headers: HTML })
  t.equal(none.statusCode, 404)
  t.match(none.body, /没有找到匹配的批次/)
  t.match(none.headers.vary, /\bAccept\b/)
  // A program gets JSON: the error as every route gives one, or the lots.
  const noneJson = await app.inject({ url: '/search?q=NOTHING-HERE', headers: { accept: 'application/json' } })
  t.equal(noneJson.statusCode, 404)
  t.match(noneJson.json(), { code: 'NOT_FOUND', message: /NOTHING-HERE/ })
  const empty = await app.inject({ url: '/search?q=%20', headers: { accept: 'application/json' } })
  t.equal(empty.statusCode, 400)
  t.match(empty.json(), { code: 'BAD_REQUEST', message: /q is empty/ })
})
