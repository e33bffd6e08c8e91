// The graph a page's evidence draws (what went into what, what carried what) and reachability over it.

import { edgesOf, itemLotKey, type EpcisEvent, type objectsOf } from '../objects.js'

type Links = Map<string, { key: string; transformation: boolean }[]>

/** Each key's neighbours upstream (`backward`) and downstream (`forward`) in `events`. */
export function evidenceGraph(events: readonly { event: EpcisEvent; objects: ReturnType<typeof objectsOf> }[]): { backward: Links; forward: Links } {
  const backward: Links = new Map()
  const forward: Links = new Map()
  const link = (map: Links, from: string, to: string, transformation: boolean) => void (map.get(from) ?? map.set(from, []).get(from))?.push({ key: to, transformation })
  for (const { event, objects } of events) {
    const transformation = event.type === 'TransformationEvent'
    for (const { from, to } of edgesOf(event, objects)) {
      link(forward, from.key, to.key, transformation)
      link(backward, to.key, from.key, transformation)
    }
    // A serialised item is of the lot its Digital Link names: that lot and what is upstream of it are the item's too.
    for (const { key, identifier } of objects) {
      const lot = itemLotKey(identifier)
      if (lot !== undefined) link(backward, key, lot, false)
    }
  }
  return { backward, forward }
}

/** Keys reachable from `start` along `next`, `start` included. */
export function reach(start: string, next: ReadonlyMap<string, { key: string; transformation: boolean }[]>, throughTransformations: boolean): Set<string> {
  const seen = new Set([start])
  const queue = [start]
  while (queue.length > 0) {
    for (const { key, transformation } of next.get(queue.shift() as string) ?? []) {
      if (seen.has(key) || (transformation && !throughTransformations)) continue
      seen.add(key)
      queue.push(key)
    }
  }
  return seen
}
