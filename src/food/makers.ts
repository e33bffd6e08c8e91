// Who may make a product: its brand owner (the actor that registered its food.product) and the contract
// manufacturers the owner names in `makers`. A GTIN nobody registered stays open to anyone (GS1 EPCIS 2.0
// example documents use such GTINs); a lot of it belongs to the first actor that named it.

import { fail } from '../core/errors.js'
import type { EpcisEvent } from './objects.js'
import type { ObjectRef, ProductRecord } from './records.js'

/** Whether `actor` may make lots and items of `product`. */
export function mayMakeProduct(actor: string, product: ProductRecord): boolean {
  return product.owner === actor || (product.makers?.includes(actor) ?? false)
}

/**
 * The objects an event brings into being: an ObjectEvent ADD's EPCs and lots, a transformation's
 * outputs, the parent an aggregation or association adds its children to.
 */
export function madeObjects<T extends ObjectRef>(event: EpcisEvent, objects: readonly T[]): T[] {
  if (event.type === 'TransformationEvent') return objects.filter((o) => o.role === 'output')
  if (event.action !== 'ADD') return []
  if (event.type === 'ObjectEvent') return objects.filter((o) => o.role === 'epc' || o.role === 'class')
  if (event.type === 'AggregationEvent' || event.type === 'AssociationEvent') return objects.filter((o) => o.role === 'parent')
  return []
}

/**
 * Refuses an event that makes a lot or item of a registered product its signer may not make.
 * `products` holds the registered products of the GTINs the event names.
 * Throws NOT_PRODUCT_MAKER.
 */
export function checkMakers(actor: string, made: readonly (ObjectRef & { identifier: { gtin?: string } })[], products: ReadonlyMap<string, ProductRecord>): void {
  for (const object of made) {
    const gtin = object.identifier.gtin
    const product = gtin ? products.get(gtin) : undefined
    if (product && !mayMakeProduct(actor, product)) {
      fail('NOT_PRODUCT_MAKER', `${actor} may not make ${object.id}: GTIN ${gtin} belongs to ${product.owner}, who does not name ${actor} among its makers`, {
        id: object.id,
        gtin,
        owner: product.owner,
      })
    }
  }
}
