// GS1's syntax engine's own Digital Link cases (test/fixtures/digital-link/, from its dl.c unit tests): every
// parse, generation and escaping case, each with its flags, against core/digital-link.ts.

import { readFileSync } from 'node:fs'
import t from 'tap'
import {
  buildDigitalLinkUri,
  formatElementString,
  parseBracketedAiData,
  parseDigitalLink,
  unescapeDigitalLinkComponent,
  type DigitalLinkSyntaxOptions,
} from '../../src/core/digital-link.js'
import { escapeDigitalLinkComponent } from '../../src/core/digital-link-path.js'

interface Flags {
  permitZeroSuppressedGTINinDLuris?: boolean
  permitConvenienceAlphas?: boolean
  permitUnknownAIs?: boolean
  validate_UNKNOWN_AI_NOT_DL_ATTR?: boolean
}
interface Cases {
  parseDLuri: { line: number; shouldSucceed: boolean; uri: string; expectElementString: string | null; flags?: Flags }[]
  generateDLuri: { line: number; shouldSucceed: boolean; stem: string | null; aiData: string; expectUri: string | null; flags?: Flags }[]
  URIescape: { line: number; input: string; expectPath: string; expectQuery: string }[]
  URIunescape: { line: number; input?: string; inputHex?: string; expectPath?: string; expectQuery?: string; expectPathHex?: string; expectQueryHex?: string }[]
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/digital-link/gs1-syntax-engine/dl-uri-cases.json', import.meta.url), 'utf8')) as Cases

function optionsOf(flags: Flags = {}): DigitalLinkSyntaxOptions {
  return {
    permitZeroSuppressedGtin: flags.permitZeroSuppressedGTINinDLuris ?? false,
    permitConvenienceAlphas: flags.permitConvenienceAlphas ?? false,
    permitUnknownAis: flags.permitUnknownAIs ?? false,
    unknownAisAsAttributes: !(flags.validate_UNKNOWN_AI_NOT_DL_ATTR ?? true),
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
const ascii = (hexText: string) => Buffer.from(hexText, 'hex').toString('latin1')

t.test('parseDLuri: all 118 cases, URI to element string or refused', async (t) => {
  t.equal(cases.parseDLuri.length, 118)
  for (const c of cases.parseDLuri) {
    const options = optionsOf(c.flags)
    const name = `dl.c:${c.line} ${JSON.stringify(c.uri)} ${JSON.stringify(c.flags ?? {})}`
    if (c.shouldSucceed) {
      const parsed = parseDigitalLink(c.uri, options)
      t.equal(formatElementString([...parsed.path, ...parsed.attributes], options), c.expectElementString, name)
    } else {
      t.throws(() => parseDigitalLink(c.uri, options), { code: /^(IDENTIFIER_INVALID|CHECK_DIGIT_INVALID)$/ }, name)
    }
  }
})

t.test('generateDLuri: all 22 cases, AI data and a stem to a URI or refused', async (t) => {
  t.equal(cases.generateDLuri.length, 22)
  for (const c of cases.generateDLuri) {
    const options = optionsOf(c.flags)
    const name = `dl.c:${c.line} ${c.aiData} ${JSON.stringify(c.flags ?? {})}`
    const build = () => buildDigitalLinkUri(parseBracketedAiData(c.aiData), c.stem ?? undefined, options)
    if (c.shouldSucceed) {
      const uri = build()
      t.equal(uri, c.expectUri, name)
      // And what is built parses back to the same AIs.
      const parsed = parseDigitalLink(uri, options)
      t.same(new Set([...parsed.path, ...parsed.attributes].map(({ ai, value }) => `(${ai})${value}`)), new Set(parseBracketedAiData(c.aiData).map(({ ai, value }) => `(${ai})${value}`)), `${name} round trip`)
    } else {
      t.throws(build, { code: /^(IDENTIFIER_INVALID|CHECK_DIGIT_INVALID)$/ }, name)
    }
  }
})

t.test('URIescape: all 10 cases, path and query', async (t) => {
  t.equal(cases.URIescape.length, 10)
  for (const c of cases.URIescape) {
    t.equal(escapeDigitalLinkComponent(c.input, 'path'), c.expectPath, `dl.c:${c.line} path`)
    t.equal(escapeDigitalLinkComponent(c.input, 'query'), c.expectQuery, `dl.c:${c.line} query`)
  }
})

t.test('URIunescape: all 21 cases, path and query, byte for byte', async (t) => {
  t.equal(cases.URIunescape.length, 21)
  for (const c of cases.URIunescape) {
    const input = c.input ?? ascii(c.inputHex as string)
    const expectPath = c.expectPathHex ?? Buffer.from(c.expectPath as string, 'latin1').toString('hex')
    const expectQuery = c.expectQueryHex ?? Buffer.from(c.expectQuery as string, 'latin1').toString('hex')
    t.equal(hex(unescapeDigitalLinkComponent(input, 'path')), expectPath, `dl.c:${c.line} path`)
    t.equal(hex(unescapeDigitalLinkComponent(input, 'query')), expectQuery, `dl.c:${c.line} query`)
  }
})
