// EPCIS bodies the food tests record over and over.

/** A food.event body: `goods` commissioned on 26 May 2026, e.g. { epcList: [...] } or { quantityList: [...] }. */
export function commissioning(goods: Record<string, unknown>): Record<string, unknown> {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'ObjectEvent',
    eventTime: '2026-05-26T08:00:00.000+08:00',
    eventTimeZoneOffset: '+08:00',
    action: 'ADD',
    bizStep: 'commissioning',
    ...goods,
  }
}
