// The consumer page's bound view: its facts derived from the listed entries (provenance-model.ts) and
// rendered (provenance-page.ts), the one function the server and the browser verifier both run.

import { BoundViewError, type BoundView, type BoundViewInput } from '../../web/bound-view.js'
import type { Lang } from '../../web/i18n.js'
import { canonicalObject } from '../objects.js'
import { provenanceViewOf } from './provenance-model.js'
import type { ProvenanceView } from './provenance-view.js'
import { declarationsAmong } from './provenance-corrections.js'
import { PROVENANCE_VIEW, renderProvenanceArea } from './provenance-page.js'

/** The page's claims beside its entries, as data-bound-params carries them (strings). */
export interface ProvenanceParams {
  /** the request path the page answers (the browser checks it is the one it asked for) */
  path: string
  /** the Digital Link or URN the node resolved that path to */
  subject: string
  asOf: string
  operator: string
  truncated?: '1'
  /** the least number of witnesses the node's policy asks to cosign its checkpoint, when it has witnesses */
  witnessed?: string
}

/** The view from a bound area's input; the subject must be the lot the path names. */
export function provenanceViewFromArea({ entries, actors, params }: Omit<BoundViewInput, 'lang'>): ProvenanceView {
  const { path, subject, asOf, operator, truncated, witnessed } = params as Partial<ProvenanceParams>
  if (typeof path !== 'string' || typeof subject !== 'string' || typeof asOf !== 'string' || typeof operator !== 'string') {
    throw new BoundViewError('the page lacks its path, subject, checkpoint or operator')
  }
  let named: string
  let resolved: string
  try {
    // The path as served: the Digital Link parser decodes its escapes once. decodeURI first turned a lot's %25 into a
    // bare "%", which no Digital Link holds, and the page of a lot numbered "50%OFF" failed to render.
    named = canonicalObject(`https://id.gs1.org${path}`).key
    resolved = canonicalObject(subject).key
  } catch {
    throw new BoundViewError(`the page's path ${path.slice(0, 100)} or subject names no GS1 identifier`)
  }
  if (named !== resolved) throw new BoundViewError(`the page is of ${subject.slice(0, 100)}, not of the ${path.slice(0, 100)} it was asked for`)
  const witnessedBy = witnessed === undefined ? undefined : Number(witnessed)
  if (witnessedBy !== undefined && !(Number.isSafeInteger(witnessedBy) && witnessedBy > 0)) throw new BoundViewError(`the page's witness count ${String(witnessed).slice(0, 20)} is not a positive integer`)
  const view = provenanceViewOf({ subject, entries, actors, asOf: Number(asOf), operator, truncated: truncated === '1' })
  return witnessedBy === undefined ? view : { ...view, witnessedBy }
}

const FACTS: Record<string, Record<Lang, string>> = {
  product: { zh: '产品名称', en: 'product name' },
  lot: { zh: '批次', en: 'lot' },
  serial: { zh: '序列号', en: 'serial number' },
  'trace-code': { zh: '追溯码', en: 'trace code' },
  'made-on': { zh: '生产日期', en: 'date made' },
  'best-before': { zh: '保质期至', en: 'best before' },
  storage: { zh: '储存条件', en: 'storage' },
  gtin: { zh: '商品条码', en: 'GTIN' },
  route: { zh: '产地与流向', en: 'route' },
  recall: { zh: '召回', en: 'recall' },
  'no-recall': { zh: '召回状态', en: 'recall status' },
  step: { zh: '流转环节', en: 'step of the journey' },
  actor: { zh: '经营者', en: 'business' },
  place: { zh: '地点', en: 'place' },
  destination: { zh: '发往', en: 'destination' },
  stage: { zh: '环节', en: 'step' },
  time: { zh: '时间', en: 'time' },
  goods: { zh: '货品', en: 'goods' },
  quantity: { zh: '数量', en: 'quantity' },
  temperature: { zh: '温度记录', en: 'temperature readings' },
  certificate: { zh: '证书', en: 'certificate' },
  inspection: { zh: '检验结果', en: 'inspection' },
  measurement: { zh: '检测值', en: 'measured value' },
  late: { zh: '补录', en: 'late record' },
  correction: { zh: '更正', en: 'correction' },
}

export const provenanceBoundView: BoundView & { facts: typeof FACTS; requiredAt: RegExp } = {
  name: PROVENANCE_VIEW,
  facts: FACTS,
  // Every resolver page: /01/… and each other GS1 primary key's path (a pallet's /00/…), the only paths that start with digits.
  requiredAt: /^\/\d+\//,
  render: (input) => renderProvenanceArea(provenanceViewFromArea(input), input.lang),
  // An error declaration's corrections are matched by EPCIS event hash, which the consumer script loads on demand.
  needsLazyCode: (entries) => declarationsAmong(entries).size > 0,
}
