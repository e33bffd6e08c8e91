// Decodes the QR code in a PNG with jsQR (an independent decoder, not the encoder we print with).

import jsQR from 'jsqr'
import { PNG } from 'pngjs'

/** The QR code's text, or undefined when none is found. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data
}
