// Gap: when the label PNG renderer's worker thread crashed, its 'error' and then its 'exit' each failed every
// render the pool held. A render asked for between the two went to the replacement worker the 'error' made room
// for, and the 'exit' that followed failed it too ("the label renderer exited with code 1"), though that worker
// was healthy. Now each worker fails only the renders it was sent. The crash is real: the worker's own message
// handler throws, uncaught, on a message it cannot read; the pool offers no way to reach its worker, so the test
// takes it from the pool's private field.

import t from 'tap'
import type { Worker } from 'node:worker_threads'
import { LabelPngRenderer } from '../../src/labels/png-pool.js'

const svg = (fill: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="60" viewBox="0 0 40 60"><rect width="40" height="60" fill="${fill}"/></svg>`
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47])

function workerOf(renderer: LabelPngRenderer): Worker {
  const worker = (renderer as unknown as { worker?: Worker | { thread: Worker } }).worker
  if (worker === undefined) throw new Error('the renderer has no worker')
  return 'thread' in worker ? worker.thread : worker
}

t.test('a render sent to the replacement of a crashed worker is not failed by the crash', async (t) => {
  const renderer = new LabelPngRenderer()
  t.teardown(() => renderer.close())
  t.ok((await renderer.render(svg('#000'), 'screen')).subarray(0, 4).equals(PNG_SIGNATURE), 'the worker renders')

  const crashed = workerOf(renderer)
  const onReplacement = new Promise<{ render: Promise<Buffer> }>((resolve) => {
    // After the pool's own 'error' listener, before the worker's 'exit': a render asked for now, as a request may be.
    crashed.once('error', () => resolve({ render: renderer.render(svg('#0b6e4f'), 'screen') }))
  })
  const exited = new Promise<number>((resolve) => crashed.once('exit', resolve))
  crashed.postMessage(null)
  const { render } = await onReplacement
  render.catch(() => {})
  t.not(workerOf(renderer), crashed, 'the render went to a new worker')
  t.equal(await exited, 1, 'the crashed worker exited')
  const png = await render.then(
    (bytes) => bytes,
    (error: Error) => error,
  )
  t.ok(png instanceof Buffer && png.subarray(0, 4).equals(PNG_SIGNATURE), `the render on the new worker gives its PNG${png instanceof Error ? `, not "${png.message}"` : ''}`)
  t.ok((await renderer.render(svg('#c62828'), 'screen')).subarray(0, 4).equals(PNG_SIGNATURE), 'later renders too')
})

t.test('the renders a crashed worker had are failed, and only those', async (t) => {
  const renderer = new LabelPngRenderer()
  t.teardown(() => renderer.close())
  await renderer.render(svg('#000'), 'print')
  const crashed = workerOf(renderer)
  // Queued behind the message that crashes it: the worker never answers these.
  crashed.postMessage(null)
  const lost = [renderer.render(svg('#111'), 'print'), renderer.render(svg('#222'), 'print')]
  const results = await Promise.allSettled(lost)
  for (const result of results) t.match(result, { status: 'rejected', reason: { code: 'INTERNAL' } }, 'a render the crashed worker had fails with INTERNAL')
  t.ok((await renderer.render(svg('#111'), 'print')).subarray(0, 4).equals(PNG_SIGNATURE), 'asked again, it renders on a new worker')
})
