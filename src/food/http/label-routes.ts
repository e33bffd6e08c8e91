// GET /v1/labels/:id.svg and .png: the printable QR label of a lot (id an EPC URN or Digital Link,
// URL-encoded), its QR code the Digital Link URI on the node's public base URL.

import type { FastifyPluginAsync } from 'fastify'
import { fail } from '../../core/errors.js'
import { LABEL_SIZES, type LabelSize } from '../../labels/label.js'
import { renderLabelPng } from '../../labels/png.js'
import type { Ledger } from '../../ledger/ledger.js'
import { buildLotLabelSvg } from '../web/lot-label.js'

/** PNG renders are slow (font loading); labels change only when a product is renamed. */
const PNG_CACHE_ENTRIES = 64

export const labelRoutes: FastifyPluginAsync<{ ledger: Ledger; baseUrl: string }> = async (app, { ledger, baseUrl }) => {
  const pngCache = new Map<string, Buffer>()
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
      const svg = await buildLotLabelSvg(id, baseUrl, size, ledger.records)
      reply.header('cache-control', 'public, max-age=300')
      if (format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(svg)
      const key = `${size}\u0000${svg}`
      let png = pngCache.get(key)
      if (!png) {
        png = renderLabelPng(svg, size)
        if (pngCache.size >= PNG_CACHE_ENTRIES) pngCache.delete(pngCache.keys().next().value as string)
        pngCache.set(key, png)
      }
      return reply.type('image/png').send(png)
    },
  )
}
