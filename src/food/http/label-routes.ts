// GET /v1/labels/:id.svg and .png: the printable QR label of a lot (id an EPC URN or Digital Link,
// URL-encoded), its QR code the Digital Link URI on the node's public base URL with `#log=<key id>`.

import type { FastifyPluginAsync } from 'fastify'
import { fail } from '../../core/errors.js'
import { logKeyIdOf } from '../../core/log-key-id.js'
import { LABEL_SIZES, type LabelSize } from '../../labels/label.js'
import { LabelPngRenderer } from '../../labels/png-pool.js'
import type { Ledger } from '../../ledger/ledger.js'
import { buildLotLabelSvg } from '../web/lot-label.js'

const LABEL_CACHE_CONTROL = 'public, max-age=300'

export const labelRoutes: FastifyPluginAsync<{ ledger: Ledger; baseUrl: string }> = async (app, { ledger, baseUrl }) => {
  // PNG renders are slow (font loading, rasterising): a worker thread does them, behind a cache.
  const pngRenderer = new LabelPngRenderer()
  const link = { baseUrl, logKeyId: logKeyIdOf(ledger.verifierKey) }
  app.addHook('onClose', async () => pngRenderer.close())
  app.get(
    '/v1/labels/:file',
    {
      schema: {
        summary: 'Printable QR label of a lot: /v1/labels/{URL-encoded EPC URN or Digital Link}.svg or .png',
        tags: ['labels'],
        params: { type: 'object', required: ['file'], properties: { file: { type: 'string', minLength: 5, maxLength: 2100 } } },
        querystring: {
          type: 'object',
          properties: { size: { enum: [...LABEL_SIZES], default: 'print', description: 'print: 40 x 60 mm (PNG at 300 dpi); screen: 320 x 480 px' } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params as { file: string }
      const { size } = request.query as { size: LabelSize }
      const match = /^(.+)\.(svg|png)$/s.exec(file)
      if (!match) fail('NOT_FOUND', 'a label is /v1/labels/{id}.svg or .png')
      const [, id, format] = match
      const svg = await buildLotLabelSvg(id, link, size, ledger.records)
      if (format === 'svg') return reply.type('image/svg+xml; charset=utf-8').header('cache-control', LABEL_CACHE_CONTROL).send(svg)
      // Awaited before any header: a refusal (BUSY) must not be cached as the label.
      const png = await pngRenderer.render(svg, size)
      return reply.type('image/png').header('cache-control', LABEL_CACHE_CONTROL).send(png)
    },
  )
}
