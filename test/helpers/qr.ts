// Decodes the QR code in a PNG with jsQR (an independent decoder, not the encoder we print with).

import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'

// jsqr is a UMD bundle whose typings declare an ES default export: under NodeNext the default
// import is the module object for the type checker but the function at run time.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as unknown as typeof jsQRModule.default

/** The QR code's text, or undefined when none is found. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png)
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data
}
