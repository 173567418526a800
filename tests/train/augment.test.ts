import { test } from 'node:test';
import assert from 'node:assert/strict';
import { augmentBatch, Rng } from 'memgeo';

test('augmentation: shifts with zero fill and mirror flips, reproducible from the seed, off means untouched', () => {
  const shape: [number, number, number] = [4, 5, 2];
  const per = 4 * 5 * 2;
  const img = Float32Array.from({ length: 3 * per }, (_, i) => 1 + i);
  const untouched = Float32Array.from(img);
  augmentBatch(untouched, 3, shape, { crop: 0, flip: false }, new Rng(1));
  assert.deepEqual(untouched, img);

  // Flip only: each image is either unchanged or exactly mirrored left-right, channels kept together.
  const flipped = Float32Array.from(img);
  augmentBatch(flipped, 3, shape, { crop: 0, flip: true }, new Rng(2));
  let mirrored = 0;
  for (let n = 0; n < 3; n++) {
    const a = img.subarray(n * per, (n + 1) * per);
    const b = flipped.subarray(n * per, (n + 1) * per);
    const mirror = (y: number, x: number, c: number) => a[(y * 5 + (4 - x)) * 2 + c];
    const isMirror = [...Array(4).keys()].every((y) =>
      [...Array(5).keys()].every((x) => [0, 1].every((c) => b[(y * 5 + x) * 2 + c] === mirror(y, x, c))),
    );
    assert.ok(isMirror || b.every((v, i) => v === a[i]), `image ${n}`);
    if (isMirror) mirrored++;
  }
  assert.ok(mirrored >= 1 && mirrored <= 3);

  // Crop 1 (pad 1): every image is a copy shifted by at most one pixel, vacated pixels zero.
  const cropped = Float32Array.from(img);
  augmentBatch(cropped, 3, shape, { crop: 1, flip: false }, new Rng(3));
  for (let n = 0; n < 3; n++) {
    const a = img.subarray(n * per, (n + 1) * per);
    const b = cropped.subarray(n * per, (n + 1) * per);
    const found = [-1, 0, 1].some((dy) =>
      [-1, 0, 1].some((dx) =>
        [...Array(4).keys()].every((y) =>
          [...Array(5).keys()].every((x) =>
            [0, 1].every((c) => {
              const sy = y + dy,
                sx = x + dx;
              const want = sy < 0 || sy >= 4 || sx < 0 || sx >= 5 ? 0 : a[(sy * 5 + sx) * 2 + c];
              return b[(y * 5 + x) * 2 + c] === want;
            }),
          ),
        ),
      ),
    );
    assert.ok(found, `image ${n} is not a shift of at most 1 pixel`);
  }
  const again = Float32Array.from(img);
  augmentBatch(again, 3, shape, { crop: 1, flip: false }, new Rng(3));
  assert.deepEqual(again, cropped, 'same seed, same augmentation');
});
