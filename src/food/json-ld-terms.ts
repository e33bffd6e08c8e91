// Terms, CURIEs and IRIs as JSON-LD 1.1 reads them (section 4.1.3 compact IRIs), so a query compares what a
// name means: `example:x` under a context where example is https://ns.example.com/epcis/ is
// https://ns.example.com/epcis/x, whoever wrote which spelling.

/** Prefix (or term) to the IRI it stands for. */
export type Prefixes = Record<string, string>

/** The prefixes GS1's EPCIS 2.0 context (epcis-context.jsonld) defines for every event. */
export const EPCIS_CONTEXT_PREFIXES: Prefixes = {
  epcis: 'https://ref.gs1.org/epcis/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  gs1: 'https://gs1.org/voc/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcterms: 'http://purl.org/dc/terms/',
}

/**
 * Every term GS1's EPCIS 2.0 context defines. That context is "@protected": a later context that defines one
 * of them again is a JSON-LD processing error (JSON-LD 1.1 section 4.1.11), so no prefix of ours may be one.
 */
export const EPCIS_CONTEXT_TERMS: ReadonlySet<string> = new Set([
  ...Object.keys(EPCIS_CONTEXT_PREFIXES),
  ...['AggregationEvent', 'AssociationEvent', 'Collection', 'EPCISDocument', 'EPCISQueryDocument', 'ObjectEvent', 'TransactionEvent', 'TransformationEvent'],
  ...['action', 'baseURL', 'bizLocation', 'bizStep', 'bizTransactionList', 'certificationInfo', 'childEPCs', 'childQuantityList', 'children'],
  ...['creationDate', 'destinationList', 'disposition', 'epcClass', 'epcList', 'epcisBody', 'epcisHeader', 'errorDeclaration', 'eventID'],
  ...['eventList', 'eventTime', 'eventTimeZoneOffset', 'id', 'ilmd', 'inputEPCList', 'inputQuantityList', 'instanceIdentifier', 'masterData'],
  ...['member', 'outputEPCList', 'outputQuantityList', 'parentID', 'persistentDisposition', 'quantity', 'quantityList', 'queryName'],
  ...['queryResults', 'readPoint', 'receiver', 'recordTime', 'resultsBody', 'schemaVersion', 'sender', 'sensorElementList', 'sourceList'],
  ...['subscriptionID', 'transformationID', 'type', 'uom', 'vocabularyList'],
])

const PREFIX = /^[A-Za-z][\w.-]*$/
const IRI = /^[a-z][a-z0-9+.-]*:/i

/**
 * `text` as an IRI: a CURIE whose prefix `prefixes` defines is expanded, a term it defines is replaced, and
 * anything else (an IRI, an unknown prefix, `scheme://…`) is kept as it is.
 */
export function expandTerm(text: string, prefixes: Prefixes): string {
  const colon = text.indexOf(':')
  if (colon < 0) return Object.hasOwn(prefixes, text) ? (prefixes[text] as string) : text
  const prefix = text.slice(0, colon)
  const suffix = text.slice(colon + 1)
  return !suffix.startsWith('//') && Object.hasOwn(prefixes, prefix) ? (prefixes[prefix] as string) + suffix : text
}

/** The prefixes a list of @context values defines (object entries only: a remote context is GS1's), later ones winning, over GS1's. */
export function prefixesOfContexts(contexts: unknown[]): Prefixes {
  const out: Prefixes = { ...EPCIS_CONTEXT_PREFIXES }
  for (const context of contexts) {
    for (const item of Array.isArray(context) ? context : [context]) {
      if (item === null || typeof item !== 'object') continue
      for (const [prefix, value] of Object.entries(item as Record<string, unknown>)) {
        const iri = typeof value === 'string' ? value : (value as { '@id'?: unknown } | null)?.['@id']
        if (PREFIX.test(prefix) && typeof iri === 'string' && IRI.test(iri)) out[prefix] = iri
      }
    }
  }
  return out
}

/**
 * The namespaces a GS1-Extensions header declares (`prefix=namespace, …`, as the binding and our answers
 * write it; attacker-controlled). Items of another shape (an extension's name) declare nothing.
 */
export function parseExtensionsHeader(header: string | string[] | undefined): Prefixes {
  const out: Prefixes = {}
  for (const item of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const equals = item.indexOf('=')
    const prefix = item.slice(0, equals).trim()
    const namespace = item.slice(equals + 1).trim()
    if (equals > 0 && PREFIX.test(prefix) && IRI.test(namespace)) out[prefix] = namespace
  }
  return out
}
