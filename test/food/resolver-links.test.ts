// The resolver as a GS1-Conformant Resolver: linksets (RFC 9264) by Accept or ?linkType=all, the
// Link rel="linkset" header on every answer, 307s to each link type's target, 404 with the linkset for a link
// type the item lacks, every primary key of the syntax dictionary parsed, /.well-known/gs1resolver.

import Ajv2020 from 'ajv/dist/2020.js'
import t from 'tap'
import { gs1CheckDigit } from '../../src/core/gs1-check-digit.js'
import { seededDemoApp } from '../helpers/demo-app.js'

const LOT = '/01/06901234000283/10/P2605C' // recalled, inspected, with events
const ZONGZI = '/01/06901234001037/10/Z260526A'
const LINKSET = 'application/linkset+json'
const linkHeader = (path: string) => `<http://127.0.0.1${path}?linkType=all>; rel="linkset"; type="${LINKSET}"`

// The shape GS1's resolver linkset schema (1.2.0) requires: linkset[{anchor, description, <link type URI>: [targets]}].
const linksetSchema = {
  type: 'object',
  required: ['linkset'],
  properties: {
    linkset: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['anchor'],
        anyOf: [{ required: ['description'] }, { required: ['itemDescription'] }],
        properties: { anchor: { type: 'string', pattern: '^https?://' }, description: { type: 'string' }, itemDescription: { type: 'string' } },
        patternProperties: {
          '^https?://': {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['href'],
              properties: { href: { type: 'string', pattern: '^https?://' }, title: { type: 'string' }, type: { type: 'string' }, hreflang: { type: 'array', items: { type: 'string' } } },
            },
          },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
}
const validateLinkset = new Ajv2020.default({ strict: false }).compile(linksetSchema)

t.test('the linkset: by Accept, ?linkType=all and ?linkType=linkset, in the shape GS1 schema asks', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const request of [
    { url: LOT, headers: { accept: LINKSET } },
    { url: `${LOT}?linkType=all`, headers: {} },
    { url: `${LOT}?linkType=linkset`, headers: { accept: 'text/html' } },
  ]) {
    const response = await app.inject({ method: 'GET', ...request })
    t.equal(response.statusCode, 200, request.url)
    t.match(response.headers['content-type'], /^application\/linkset\+json/)
    t.equal(response.headers.link, linkHeader(LOT))
    const body = response.json()
    t.ok(validateLinkset(body), JSON.stringify(validateLinkset.errors))
    const context = body.linkset[0]
    t.equal(context.anchor, `http://127.0.0.1${LOT}`)
    t.match(context.description, /P2605C/)
    for (const term of ['defaultLink', 'pip', 'traceability', 'epcis', 'recallStatus', 'certificationInfo', 'masterData']) {
      t.ok(context[`https://gs1.org/voc/${term}`], term)
    }
  }
})

t.test('every resolver answer carries Link rel="linkset" as RFC 9264 writes it', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const headers of [{ accept: 'text/html' }, { accept: 'application/json' }, { accept: 'application/vnd.tracechain.bundle+json' }, {}]) {
    const response = await app.inject({ method: 'GET', url: ZONGZI, headers })
    t.equal(response.statusCode, 200, JSON.stringify(headers))
    t.equal(response.headers.link, linkHeader(ZONGZI), JSON.stringify(headers))
  }
  const unknown = await app.inject({ method: 'GET', url: '/01/06901234001037/10/NOSUCHLOT', headers: { accept: 'text/html' } })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.headers.link, linkHeader('/01/06901234001037/10/NOSUCHLOT'))
})

t.test('each link type redirects (307) to its target, as a CURIE or a full URI', async (t) => {
  const { app } = await seededDemoApp(t)
  const go = async (linkType: string) => {
    const response = await app.inject({ method: 'GET', url: `${LOT}?linkType=${encodeURIComponent(linkType)}` })
    t.equal(response.statusCode, 307, linkType)
    t.equal(response.headers.link, linkHeader(LOT))
    return response.headers.location as string
  }
  t.equal(await go('gs1:pip'), `http://127.0.0.1${LOT}?format=html`)
  t.equal(await go('https://gs1.org/voc/pip'), `http://127.0.0.1${LOT}?format=html`)
  t.equal(await go('http://gs1.org/voc/traceability'), `http://127.0.0.1${LOT}?format=json`)
  t.equal(await go('gs1:defaultLink'), `http://127.0.0.1${LOT}?format=html`)
  const follow = async (location: string) => app.inject({ method: 'GET', url: location.replace('http://127.0.0.1', '') })
  const page = await follow(await go('gs1:pip'))
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  t.equal((await follow(await go('gs1:traceability'))).json().recalled, true)
  const recall = (await follow(await go('gs1:recallStatus'))).json()
  t.equal(JSON.parse(Buffer.from(recall.entry.envelope.payload, 'base64').toString()).type, 'food.recall')
  const inspection = (await follow(await go('gs1:certificationInfo'))).json()
  t.equal(JSON.parse(Buffer.from(inspection.entry.envelope.payload, 'base64').toString()).type, 'food.inspection')
  const product = (await follow(await go('gs1:masterData'))).json()
  t.equal(JSON.parse(Buffer.from(product.entry.envelope.payload, 'base64').toString()).type, 'food.product')
  const events = await follow(await go('gs1:epcis'))
  t.equal(events.statusCode, 200)
  t.ok(events.json().epcisBody.queryResults.resultsBody.eventList.length > 0, 'the events query finds the lot')
  // A lot that is not recalled: its recall status is the JSON view, which says so.
  const zongzi = await app.inject({ method: 'GET', url: `${ZONGZI}?linkType=gs1:recallStatus` })
  t.equal(zongzi.headers.location, `http://127.0.0.1${ZONGZI}?format=json`)
})

t.test('a link type the item does not have: 404 with the linkset', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const linkType of ['gs1:certificationInfo', 'gs1:sustainabilityInfo', 'https://gs1.org/voc/epil']) {
    const response = await app.inject({ method: 'GET', url: `/01/06901234000115/10/R2605A?linkType=${encodeURIComponent(linkType)}` })
    t.equal(response.statusCode, 404, linkType)
    t.match(response.headers['content-type'], /^application\/linkset\+json/)
    t.ok(validateLinkset(response.json()))
    t.notOk(response.json().linkset[0][`https://gs1.org/voc/${linkType.split(/[:/]/).pop()}`])
  }
})

t.test('bad linkType values answer 400 LINK_TYPE_INVALID with a message', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const query of ['linkType=foo', 'linkType=gs1:', 'linkType=gs1:pip%20x', 'linkType=', `linkType=gs1:${'a'.repeat(5000)}`, 'linkType=gs1:%E6%BA%AF%E6%BA%90', 'linkType=https://example.com/voc/pip', 'linkType=gs1:pip&linkType=gs1:epcis']) {
    const response = await app.inject({ method: 'GET', url: `${LOT}?${query}`, headers: { accept: 'application/json' } })
    t.equal(response.statusCode, 400, query.slice(0, 60))
    t.equal(response.json().code, 'LINK_TYPE_INVALID', query.slice(0, 60))
    t.ok(response.json().message.length < 400, 'the message does not echo a huge input')
  }
})

t.test('an item the ledger knows nothing of has no linkset: 404 NOT_FOUND', async (t) => {
  const { app } = await seededDemoApp(t)
  for (const url of ['/01/06901234001037/10/NOSUCHLOT?linkType=all', '/8004/0614141ABC123?linkType=gs1:pip', '/00/106141412345678908?linkType=all']) {
    const response = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } })
    t.equal(response.statusCode, 404, url)
    t.equal(response.json().code, 'NOT_FOUND', url)
  }
})

t.test('every primary key and qualifier of the syntax dictionary is parsed; bad ones answer 400 with a code', async (t) => {
  const { app } = await seededDemoApp(t)
  const status = async (url: string) => {
    const response = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } })
    return [response.statusCode, response.json().code] as const
  }
  // Valid Digital Links of keys the ledger has nothing for: found to be well-formed, then not found.
  for (const url of ['/00/106141412345678908', '/414/0614141123452/254/7', '/414/0614141123452/7040/1A2B', '/8003/04012345000771', '/8004/0614141ABC123', '/253/4012345000009ABC', '/8006/069012340010370102/10/L1', `/8018/09506000134352812${gs1CheckDigit('09506000134352812')}/8019/1`, '/417/0614141123452', '/01/06901234001037/235/TPX1', '/01/06901234001037/22/V1/10/Z1']) {
    const [code, name] = await status(`${url}?linkType=all`)
    t.equal(code, 404, url)
    t.equal(name, 'NOT_FOUND', url)
  }
  // Data attributes in the query are checked too.
  t.same((await app.inject({ method: 'GET', url: `${ZONGZI}?17=261231&linkType=all` })).statusCode, 200)
  for (const [url, expected] of [
    [`${ZONGZI}?17=261399`, 'IDENTIFIER_INVALID'], // no month 13
    ['/01/06901234001037?10=Z260526A', 'IDENTIFIER_INVALID'], // a qualifier belongs in the path
    [`${ZONGZI}?10=Z1`, 'IDENTIFIER_INVALID'], // twice
    [`${ZONGZI}?999=x`, 'IDENTIFIER_INVALID'], // not an AI
    [`${ZONGZI}/`, 'IDENTIFIER_INVALID'],
    ['/01/06901234001037/21/1/10/Z1', 'IDENTIFIER_INVALID'], // out of order
    ['/414/0614141123452/254/7/7040/1A2B', 'IDENTIFIER_INVALID'], // alternatives do not mix
    ['/00/106141412345678908/10/ABC', 'IDENTIFIER_INVALID'],
    ['/8003/04012345000772', 'CHECK_DIGIT_INVALID'],
    ['/8013/1987654Ad4X4bL5ttr2310cXK', 'CHECK_DIGIT_INVALID'],
    ['/8004/%E6%BA%AF', 'IDENTIFIER_INVALID'], // non-ASCII is outside set 82
    [`/8004/0614141${'A'.repeat(3000)}`, undefined], // huge: refused by length, whoever refuses it
  ] as const) {
    const [code, name] = await status(url)
    t.ok(code >= 400 && code < 500, `${url.slice(0, 60)}: ${code}`)
    if (expected) t.equal(name, expected, url.slice(0, 60))
    else t.match(name, /^[A-Z_]+$/)
  }
})

t.test('/.well-known/gs1resolver describes the resolver with the 1.2.0 property names', async (t) => {
  const { app } = await seededDemoApp(t)
  const response = await app.inject({ method: 'GET', url: '/.well-known/gs1resolver' })
  t.equal(response.statusCode, 200)
  const description = response.json()
  t.equal(description.resolverRoot, 'http://127.0.0.1')
  t.match(description.name, /tracechain/)
  t.same(description.supportedLinkType, [{ namespace: 'https://gs1.org/voc/', prefix: 'gs1:' }])
  t.equal(description.linkTypeDefaultCanBeLinkset, false)
  t.match(description.jsonLdContextLocation, /^https:\/\//)
  const allowed = ['01', '8006', '8013', '8010', '410', '411', '412', '413', '414', '415', '417', '8017', '8018', '255', '00', '253', '401', '402', '8003', '8004']
  t.ok(description.supportedPrimaryKeys.length >= 16)
  for (const key of description.supportedPrimaryKeys) t.ok(allowed.includes(key), key)
  for (const old of ['linkTypeDefaultCanBeAll', 'activeLinkTypes']) t.notOk(old in description, `no ${old}`)
})
