// compactPng re-encodes the headless browser's PNGs losslessly: same pixels, never larger.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { compactPng } from 'memgeo';

function image(width: number, height: number, alpha: (x: number, y: number) => number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      png.data[i] = (x * 7) % 256;
      png.data[i + 1] = (y * 3) % 256;
      png.data[i + 2] = x === y ? 255 : 20;
      png.data[i + 3] = alpha(x, y);
    }
  }
  return PNG.sync.write(png, { deflateLevel: 1 });
}

for (const [name, alpha] of [
  ['an opaque figure loses its alpha channel', () => 255],
  ['a figure with transparent pixels keeps them', (x: number) => (x < 5 ? 0 : 255)],
] as const) {
  test(`compactPng: ${name}, pixels unchanged, not larger`, () => {
    const original = image(120, 80, alpha);
    const compact = compactPng(original);
    assert.ok(compact.length <= original.length, `${compact.length} <= ${original.length}`);
    const a = PNG.sync.read(original);
    const b = PNG.sync.read(compact);
    assert.equal(b.width, a.width);
    assert.equal(b.height, a.height);
    assert.deepEqual(b.data, a.data);
  });
}
