#!/usr/bin/env node
// Regenerates src/core/gs1-syntax-table.ts from a GS1 Barcode Syntax Dictionary file (default: the copy in
// test/fixtures/digital-link/). Run after `npm run build`: node test/helpers/gs1-syntax-table.mjs [dictionary.txt]
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { formatSyntaxTable, parseSyntaxDictionary, syntaxDictionaryRelease } from '../../dist/core/gs1-syntax.js'

const root = new URL('../..', import.meta.url)
const source = process.argv[2] ?? fileURLToPath(new URL('test/fixtures/digital-link/gs1-syntax-engine/gs1-syntax-dictionary.txt', root))
const text = readFileSync(source, 'utf8')
const target = fileURLToPath(new URL('src/core/gs1-syntax-table.ts', root))
writeFileSync(target, formatSyntaxTable(syntaxDictionaryRelease(text), parseSyntaxDictionary(text)))
console.log(`wrote ${target}`)
