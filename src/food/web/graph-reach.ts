// Reachability over the graph a page's evidence draws (what went into what, what carried what).

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
