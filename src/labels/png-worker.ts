// A worker thread of the label PNG renderer (png-pool.ts): renders each label SVG it is sent with
// renderLabelPng and sends the PNG bytes back, so a render never holds the node's event loop.

import { parentPort } from 'node:worker_threads'
import type { LabelSize } from './label.js'
import { renderLabelPng } from './png.js'

if (!parentPort) throw new TypeError('png-worker.js runs as a worker thread')
const port = parentPort

port.on('message', ({ id, svg, size }: { id: number; svg: string; size: LabelSize }) => {
  try {
    port.postMessage({ id, png: renderLabelPng(svg, size) })
  } catch (error) {
    port.postMessage({ id, failure: (error as Error).stack ?? String(error) })
  }
})
