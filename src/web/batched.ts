// Requests gathered into one: what a verifier asks for in one turn of the event loop goes to the server in one
// request. A phone on a slow network pays for each round trip, and over HTTP/1.1 for each request beyond its
// six connections, far more than for the bytes of a longer answer.

/**
 * A lookup of one key that sends the keys asked for in the same turn together: `fetchMany` gets at most `max`
 * keys a call and answers the values it has; a caller whose key the answer left out (or whose call failed)
 * gets undefined.
 */
export function batched<K, V>(fetchMany: (keys: K[]) => Promise<Map<K, V>>, max: number): (key: K) => Promise<V | undefined> {
  let waiting: Map<K, ((value: V | undefined) => void)[]> | undefined
  const send = async (batch: Map<K, ((value: V | undefined) => void)[]>) => {
    const keys = [...batch.keys()]
    await Promise.all(
      Array.from({ length: Math.ceil(keys.length / max) }, async (_, i) => {
        const part = keys.slice(i * max, (i + 1) * max)
        const values = await fetchMany(part).catch(() => new Map<K, V>())
        for (const key of part) for (const resolve of batch.get(key) ?? []) resolve(values.get(key))
      }),
    )
  }
  return (key) => {
    if (!waiting) {
      const batch = new Map<K, ((value: V | undefined) => void)[]>()
      waiting = batch
      setTimeout(() => {
        waiting = undefined
        void send(batch)
      }, 0)
    }
    const batch = waiting
    return new Promise((resolve) => batch.set(key, [...(batch.get(key) ?? []), resolve]))
  }
}
