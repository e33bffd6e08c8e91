// An actor's master data as its registration states it: a postal address and a contact point, in the
// GS1 Web Vocabulary's terms (gs1:PostalAddress, gs1:ContactPoint, gs1:GeoCoordinates). Pure and
// browser-safe: the node and the page read a registration through the same functions, so the places a
// page shows are the same on both sides.

/** A text as a registration may give it: one string, or the Chinese and English forms. */
export type LocalisedText = string | { zh?: string; en?: string }

export interface PostalAddress {
  /** street, number, building (街道、门牌) */
  streetAddress?: LocalisedText
  /** the district or county within the locality (区、县) */
  addressSuburb?: LocalisedText
  /** the city (市) */
  addressLocality?: LocalisedText
  /** the province or state (省) */
  addressRegion?: LocalisedText
  postalCode?: string
  /** ISO 3166-1 alpha-2 */
  countryCode: string
  geo?: { latitude: number; longitude: number }
}

export interface ContactPoint {
  name?: LocalisedText
  telephone?: string
  email?: string
}

const ADDRESS_TEXTS = ['streetAddress', 'addressSuburb', 'addressLocality', 'addressRegion'] as const

function localisedTextOf(value: unknown): LocalisedText | undefined {
  if (typeof value === 'string') return value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const record = value as Record<string, unknown>
  const text: { zh?: string; en?: string } = {}
  if (typeof record.zh === 'string') text.zh = record.zh
  if (typeof record.en === 'string') text.en = record.en
  return text.zh === undefined && text.en === undefined ? undefined : text
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The address a registration body states, keeping only well-typed fields in a fixed order (signed input:
 * the schema checked it on the node, the browser checks it here), or undefined when there is none.
 */
export function postalAddressOf(value: unknown): PostalAddress | undefined {
  if (!isRecord(value) || typeof value.countryCode !== 'string') return undefined
  const address: PostalAddress = { countryCode: value.countryCode }
  for (const field of ADDRESS_TEXTS) {
    const text = localisedTextOf(value[field])
    if (text !== undefined) address[field] = text
  }
  if (typeof value.postalCode === 'string') address.postalCode = value.postalCode
  const geo = value.geo
  if (isRecord(geo) && Number.isFinite(geo.latitude) && Number.isFinite(geo.longitude)) {
    address.geo = { latitude: geo.latitude as number, longitude: geo.longitude as number }
  }
  return address
}

/** The contact point a registration body states, well-typed fields only, or undefined. */
export function contactPointOf(value: unknown): ContactPoint | undefined {
  if (!isRecord(value)) return undefined
  const contact: ContactPoint = {}
  const name = localisedTextOf(value.name)
  if (name !== undefined) contact.name = name
  if (typeof value.telephone === 'string') contact.telephone = value.telephone
  if (typeof value.email === 'string') contact.email = value.email
  return Object.keys(contact).length === 0 ? undefined : contact
}

/** A localised text in `lang`, falling back to the other language. */
export function textIn(text: LocalisedText | undefined, lang: 'zh' | 'en'): string | undefined {
  if (text === undefined || typeof text === 'string') return text
  return text[lang] ?? text[lang === 'zh' ? 'en' : 'zh']
}

/** Addresses in this country name no country on the page. */
const HOME_COUNTRY = 'CN'

/** The region an address names, largest first in Chinese (浙江 · 湖州 · 安吉), smallest first in English. */
export interface AddressRegion {
  zh: string
  en: string
  /** the most specific part alone (安吉, Anji) */
  short: { zh: string; en: string }
}

/** The region of an address (province, city, district; not the street), or undefined when it names none. */
export function regionOfAddress(address: PostalAddress): AddressRegion | undefined {
  const parts = (lang: 'zh' | 'en') =>
    [address.addressRegion, address.addressLocality, address.addressSuburb].map((text) => textIn(text, lang)).filter((text): text is string => !!text)
  const zh = parts('zh')
  const en = parts('en')
  if (zh.length === 0) return undefined
  // Where food comes from abroad, the country is the first thing a consumer asks (浙冷链 shows it first).
  if (address.countryCode !== HOME_COUNTRY) {
    zh.unshift(address.countryCode)
    en.unshift(address.countryCode)
  }
  return { zh: zh.join(' · '), en: [...en].reverse().join(', '), short: { zh: zh[zh.length - 1], en: en[en.length - 1] } }
}

/**
 * One line for a location description (21 CFR 1.1310: business name, phone, physical address with city,
 * state, postal code and country, or geographic coordinates), in English where the texts give it.
 */
export function describeLocation(businessName: string, address: PostalAddress | undefined, contact: ContactPoint | undefined): string {
  const lang = 'en'
  const parts = [businessName]
  if (contact?.telephone) parts.push(`tel. ${contact.telephone}`)
  if (address) {
    const place = [address.streetAddress, address.addressSuburb, address.addressLocality, address.addressRegion]
      .map((text) => textIn(text, lang))
      .filter((text): text is string => !!text)
    if (address.postalCode) place.push(address.postalCode)
    place.push(address.countryCode)
    parts.push(place.join(', '))
    if (address.geo) parts.push(`${address.geo.latitude},${address.geo.longitude}`)
  }
  return parts.join('; ')
}

/** The master data of a registration body or an actor record, each part only when stated. */
export function masterDataOf(source: { address?: unknown; contact?: unknown }): { address?: PostalAddress; contact?: ContactPoint } {
  const address = postalAddressOf(source.address)
  const contact = contactPointOf(source.contact)
  return { ...(address ? { address } : {}), ...(contact ? { contact } : {}) }
}
