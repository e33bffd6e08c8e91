// A namespace-aware XML document (XML 1.0, Namespaces in XML 1.0) read into a small tree of elements, with the
// limits an untrusted document needs: no DTD at all (so no external entities and no entity expansion), UTF-8
// only, a cap on size and on nesting depth. saxes does the parsing and checks well-formedness.

import { SaxesParser, type SaxesTagNS } from 'saxes'
import { TracechainError, fail } from '../core/errors.js'

export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/'
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance'
/** Elements nested deeper than this are refused: EPCIS needs about ten, extensions a few more. */
export const MAX_XML_DEPTH = 64

export interface XmlAttribute {
  /** the namespace URI, '' for an unqualified attribute */
  uri: string
  prefix: string
  local: string
  value: string
}

export interface XmlElement {
  /** the namespace URI, '' for an element in no namespace */
  uri: string
  prefix: string
  local: string
  attributes: XmlAttribute[]
  children: XmlElement[]
  /** the element's own character data (text and CDATA), not its children's */
  text: string
}

function xmlError(message: string, details: Record<string, unknown>): TracechainError {
  return new TracechainError('BAD_REQUEST', message, { format: 'xml', ...details })
}

/**
 * The root element of `text` (attacker-controlled). Throws BODY_TOO_LARGE over `maxBytes` UTF-8 bytes, and
 * BAD_REQUEST (details.format "xml", details.reason "doctype", "encoding", "depth" or "malformed" with the line
 * and column) for a document with a DOCTYPE, declared in an encoding other than UTF-8, nested deeper than
 * MAX_XML_DEPTH, or not well-formed.
 */
export function parseXmlTree(text: string, maxBytes: number): XmlElement {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > maxBytes) fail('BODY_TOO_LARGE', `the XML document is ${bytes} bytes; at most ${maxBytes}`, { bytes, max: maxBytes })
  const parser = new SaxesParser({ xmlns: true, position: true })
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  // A DTD is where XXE and entity expansion ("billion laughs") live; EPCIS documents never need one.
  parser.on('doctype', () => {
    throw xmlError('the XML document has a DOCTYPE; DTDs and entity declarations are refused', { reason: 'doctype' })
  })
  parser.on('xmldecl', (declaration) => {
    const encoding = declaration.encoding?.toLowerCase()
    if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8') {
      throw xmlError(`the XML document declares encoding ${declaration.encoding}; send it as UTF-8`, { reason: 'encoding' })
    }
  })
  parser.on('opentag', (tag) => {
    if (stack.length >= MAX_XML_DEPTH) throw xmlError(`the XML document nests elements deeper than ${MAX_XML_DEPTH}`, { reason: 'depth' })
    const element = elementOf(tag as SaxesTagNS)
    if (stack.length > 0) stack[stack.length - 1].children.push(element)
    else root = element
    stack.push(element)
  })
  parser.on('closetag', () => void stack.pop())
  const onText = (data: string) => {
    if (stack.length > 0) stack[stack.length - 1].text += data
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  try {
    parser.write(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).close()
  } catch (error) {
    if (error instanceof TracechainError) throw error
    throw xmlError(`the document is not well-formed XML: ${(error as Error).message}`, { reason: 'malformed', line: parser.line, column: parser.column })
  }
  if (!root) throw xmlError('the document has no root element', { reason: 'malformed' })
  return root
}

function elementOf(tag: SaxesTagNS): XmlElement {
  const attributes = Object.values(tag.attributes).map(({ uri, prefix, local, value }) => ({ uri: uri ?? '', prefix, local, value }))
  return { uri: tag.uri ?? '', prefix: tag.prefix, local: tag.local, attributes, children: [], text: '' }
}

/** The attributes that carry data: no namespace declarations and no xsi: annotations. */
export function dataAttributes(element: XmlElement): XmlAttribute[] {
  return element.attributes.filter((attribute) => attribute.uri !== XMLNS_NAMESPACE && attribute.uri !== XSI_NAMESPACE && attribute.prefix !== 'xmlns' && attribute.local !== 'xmlns')
}

/** The value of an attribute in no namespace, if present. */
export function attributeOf(element: XmlElement, local: string): string | undefined {
  return element.attributes.find((attribute) => attribute.uri === '' && attribute.prefix === '' && attribute.local === local)?.value
}
