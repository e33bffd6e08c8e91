// The label SVG rendered to PNG with resvg (a Rust SVG renderer shipped as prebuilt npm binaries),
// text drawn with the system's fonts: Chinese needs a CJK font such as Debian's fonts-noto-cjk.

import { Resvg } from '@resvg/resvg-js'
import { crc32 } from 'node:zlib'
import { LABEL_DIMENSIONS, PRINT_DPI, type LabelSize } from './label.js'

/** PNG bytes of a label SVG at the pixel size of `size` (472 x 709 for print at 300 dpi). */
export function renderLabelPng(svg: string, size: LabelSize = 'print'): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: LABEL_DIMENSIONS[size].pixelWidth },
    background: '#ffffff',
    font: {
      loadSystemFonts: true,
      defaultFontFamily: 'Noto Sans CJK SC',
      sansSerifFamily: 'Noto Sans CJK SC',
      monospaceFamily: 'DejaVu Sans Mono',
    },
    shapeRendering: 2,
    textRendering: 1,
  })
  const png = resvg.render().asPng()
  return size === 'print' ? withPhysicalSize(png, PRINT_DPI) : png
}

const PNG_SIGNATURE_LENGTH = 8
const IHDR_CHUNK_LENGTH = 25

/** Inserts a pHYs chunk after IHDR (PNG spec section 11.3.5.3), so a printer prints 40 x 60 mm, not 472 px at 72 dpi. */
function withPhysicalSize(png: Buffer, dpi: number): Buffer {
  const pixelsPerMetre = Math.round(dpi / 0.0254)
  const chunk = Buffer.alloc(21)
  chunk.writeUInt32BE(9, 0)
  chunk.write('pHYs', 4, 'latin1')
  chunk.writeUInt32BE(pixelsPerMetre, 8)
  chunk.writeUInt32BE(pixelsPerMetre, 12)
  chunk.writeUInt8(1, 16) // unit: metre
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 17)), 17)
  const at = PNG_SIGNATURE_LENGTH + IHDR_CHUNK_LENGTH
  return Buffer.concat([png.subarray(0, at), chunk, png.subarray(at)])
}
