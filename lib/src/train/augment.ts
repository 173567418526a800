import type { Rng } from '../random';

/**
 * Standard light augmentation, in place on a batch of NHWC images: a random crop of the image
 * zero-padded by `crop` pixels on each side (a random shift of up to ±crop, vacated pixels zero), and a
 * horizontal flip with probability 1/2. Draws come from `rng`, so a seeded epoch is reproducible.
 */
export function augmentBatch(
  batch: Float32Array,
  count: number,
  shape: [number, number, number],
  opts: { crop: number; flip: boolean },
  rng: Rng,
): void {
  const [h, w, c] = shape;
  const per = h * w * c;
  const tmp = new Float32Array(per);
  for (let n = 0; n < count; n++) {
    const img = batch.subarray(n * per, (n + 1) * per);
    const dy = opts.crop > 0 ? rng.int(2 * opts.crop + 1) - opts.crop : 0;
    const dx = opts.crop > 0 ? rng.int(2 * opts.crop + 1) - opts.crop : 0;
    const flip = opts.flip && rng.uniform() < 0.5;
    if (dy === 0 && dx === 0 && !flip) continue;
    tmp.fill(0);
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const sx0 = x + dx;
        if (sx0 < 0 || sx0 >= w) continue;
        const sx = flip ? w - 1 - sx0 : sx0;
        for (let k = 0; k < c; k++) tmp[(y * w + x) * c + k] = img[(sy * w + sx) * c + k];
      }
    }
    img.set(tmp);
  }
}
