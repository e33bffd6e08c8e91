// QR codes (ISO/IEC 18004) of Digital Link URIs, made with `qrcode` and drawn as one SVG path.

import { create, type QRCode } from 'qrcode'

/**
 * Error correction level Q (about 25% of codewords recoverable). Printed food packaging is
 * creased, curved, wet from the cold chain and scuffed at the till; L and M (7%, 15%) lose scans to
 * that, and H (30%) grows our ~60-character URIs from version 4 to version 6, so at the same print
 * size each module shrinks by a fifth. Q keeps a bare lot URI at version 4 (33x33) and tolerates the
 * damage. The log's key id in the fragment (`#log=` and 8 hex, 13 bytes) takes a typical lot URI to
 * version 5 (37x37): on the 28 mm code of a 40 x 60 mm label a module is 28 / (37 + 8) = 0.62 mm, about
 * twice the 0.33 mm below which phone cameras start to miss, and 5 px on the 320 x 480 screen label.
 */
export const LABEL_ERROR_CORRECTION = 'Q' as const

/** ISO/IEC 18004 asks for a quiet zone of 4 modules around the symbol. */
export const QUIET_ZONE_MODULES = 4

export interface QrMatrix {
  /** modules per side, without the quiet zone */
  size: number
  version: number
  isDark(row: number, column: number): boolean
}

/** The QR matrix of `text`. Throws RangeError when it does not fit a QR code at level Q. */
export function buildQrMatrix(text: string): QrMatrix {
  let symbol: QRCode
  try {
    symbol = create(text, { errorCorrectionLevel: LABEL_ERROR_CORRECTION })
  } catch (error) {
    throw new RangeError(`"text" does not fit a QR code: ${(error as Error).message}`)
  }
  const { size, data } = symbol.modules
  return { size, version: symbol.version, isDark: (row, column) => data[row * size + column] === 1 }
}

/**
 * The dark modules as one SVG path in module units, quiet zone included in the offset, each row's
 * runs merged so a version-4 code is a few hundred bytes, not a thousand rects.
 */
export function qrPathData(matrix: QrMatrix): string {
  const parts: string[] = []
  for (let row = 0; row < matrix.size; row++) {
    let column = 0
    while (column < matrix.size) {
      if (!matrix.isDark(row, column)) {
        column++
        continue
      }
      const start = column
      while (column < matrix.size && matrix.isDark(row, column)) column++
      const run = column - start
      parts.push(`M${start + QUIET_ZONE_MODULES} ${row + QUIET_ZONE_MODULES}h${run}v1h-${run}z`)
    }
  }
  return parts.join('')
}
