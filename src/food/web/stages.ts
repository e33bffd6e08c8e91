// What each step of a lot's journey is called on the consumer page: CBV 2.0 business steps
// (bare names, as food/ normalises them) read for a shopper, in Chinese and English.

import type { Lang } from '../../web/i18n.js'

export type StageKind = 'origin' | 'processing' | 'packing' | 'transport' | 'receiving' | 'storage' | 'sale' | 'inspection' | 'other'

interface StageName {
  kind: StageKind
  zh: string
  en: string
}

const STEPS: Record<string, StageName> = {
  creating_class_instance: { kind: 'processing', zh: '加工制作', en: 'Processing' },
  transforming: { kind: 'processing', zh: '加工制作', en: 'Processing' },
  assembling: { kind: 'processing', zh: '组装', en: 'Assembling' },
  packing: { kind: 'packing', zh: '包装装箱', en: 'Packing' },
  shipping: { kind: 'transport', zh: '发货', en: 'Shipped' },
  departing: { kind: 'transport', zh: '出发', en: 'Departed' },
  transporting: { kind: 'transport', zh: '运输', en: 'Transport' },
  loading: { kind: 'transport', zh: '装车', en: 'Loading' },
  staging_outbound: { kind: 'transport', zh: '出库备货', en: 'Staged for dispatch' },
  arriving: { kind: 'receiving', zh: '到达', en: 'Arrived' },
  receiving: { kind: 'receiving', zh: '收货验收', en: 'Received' },
  accepting: { kind: 'receiving', zh: '收货验收', en: 'Accepted' },
  storing: { kind: 'storage', zh: '入库储存', en: 'Stored' },
  stocking: { kind: 'storage', zh: '上架', en: 'Stocked' },
  retail_selling: { kind: 'sale', zh: '门店销售', en: 'Sold in store' },
  dispensing: { kind: 'sale', zh: '售出', en: 'Dispensed' },
  inspecting: { kind: 'inspection', zh: '检验', en: 'Inspected' },
  sampling: { kind: 'inspection', zh: '抽检', en: 'Sampled' },
}

/** Words in a product name that mean its origin step is slaughter rather than harvest. */
const MEAT = /肉|猪|牛|羊|鸡|鸭|鹅|禽|pork|beef|lamb|mutton|chicken|duck|meat|poultry/i

export interface StageContext {
  bizStep: string | null
  eventType: string
  /** roles of the signing actor */
  roles: string[]
  /** product names the event names, any language */
  productNames: string[]
  /** true when the event carries temperature readings */
  hasReadings: boolean
}

/** The consumer's name for a step: harvest or slaughter at a farm, cold-chain transport with readings, and so on. */
export function stageOf(context: StageContext): StageName {
  const step = context.bizStep ?? ''
  if (step === 'commissioning') {
    if (context.roles.includes('farm')) {
      return context.productNames.some((name) => MEAT.test(name))
        ? { kind: 'origin', zh: '屠宰检疫', en: 'Slaughter and inspection' }
        : { kind: 'origin', zh: '收获', en: 'Harvest' }
    }
    return { kind: 'processing', zh: '生产', en: 'Produced' }
  }
  if (step === 'transporting' && context.hasReadings) return { kind: 'transport', zh: '冷链运输', en: 'Cold-chain transport' }
  const known = STEPS[step]
  if (known) return known
  if (context.eventType === 'TransformationEvent') return STEPS.transforming
  const words = step.replace(/_/g, ' ')
  return { kind: 'other', zh: words || '记录', en: words ? words[0].toUpperCase() + words.slice(1) : 'Record' }
}

export function stageName(stage: StageName, lang: Lang): string {
  return stage[lang]
}
