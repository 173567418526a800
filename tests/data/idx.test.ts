import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeIdx, loadDatasetSync, loadFashionMnist, loadMnist, parseIdx, readIdx } from 'memgeo';
import { maxPixelError, tmpDir, writeIdxDir } from './fixtures';

test('parseIdx reads plain and gzipped IDX and checks magic, type and length', () => {
  const data = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const idx = encodeIdx([2, 3, 4], data);
  for (const buf of [idx, zlib.gzipSync(idx)]) {
    const a = parseIdx(buf);
    assert.deepEqual(a.dims, [2, 3, 4]);
    assert.deepEqual(Array.from(a.data), Array.from(data));
  }
  const bad = Uint8Array.from(idx);
  bad[0] = 7;
  assert.throws(() => parseIdx(bad, 'x.idx'), /x\.idx: bad magic number \(07 00 08 03\)/);
  const float = Uint8Array.from(idx);
  float[2] = 0x0d;
  assert.throws(() => parseIdx(float), /data type 0xd is not supported/);
  assert.throws(() => parseIdx(idx.subarray(0, idx.length - 1), 'short'), /short: truncated: header \[2, 3, 4\] needs 24 data bytes, file has 23/);
  assert.throws(() => parseIdx(new Uint8Array([...idx, 1, 2])), /wrong length: .*2 extra/);
  assert.throws(() => parseIdx(idx.subarray(0, 10)), /truncated IDX header/);
  assert.throws(() => parseIdx(new Uint8Array(0)), /bad magic number \(empty file\)/);
  const gz = zlib.gzipSync(idx);
  assert.throws(() => parseIdx(gz.subarray(0, gz.length - 12), 'cut.gz'), /cut\.gz: gzip data is corrupt or truncated/);
});

test('MNIST-layout folder: plain and .gz files give the same images and labels', () => {
  for (const gz of [false, true]) {
    const dir = tmpDir(`idx-${gz}`);
    const fx = writeIdxDir(dir, { nTrain: 30, nTest: 12, gz });
    const ds = loadMnist(dir);
    assert.deepEqual(ds.imageShape, [28, 28, 1]);
    assert.equal(ds.train.count, 30);
    assert.equal(ds.test.count, 12);
    assert.deepEqual(Array.from(ds.train.labels), Array.from(fx.train.labels));
    assert.deepEqual(Array.from(ds.test.labels), Array.from(fx.test.labels));
    assert.ok(maxPixelError(ds.train.images, fx.train.pixels) < 1e-7);
    assert.ok(maxPixelError(ds.test.images, fx.test.pixels) < 1e-7);
    assert.equal(ds.source, path.resolve(dir));
    assert.equal(readIdx(path.join(dir, gz ? 'train-labels-idx1-ubyte.gz' : 'train-labels-idx1-ubyte')).dims[0], 30);
    fs.rmSync(dir, { recursive: true });
  }
});

test('IDX folder errors: missing files, count mismatch, truncated images, labels out of range', () => {
  const dir = tmpDir('idx-err');
  writeIdxDir(dir, { nTrain: 10, nTest: 5, gz: false });
  fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  assert.throws(() => loadFashionMnist(dir), (e: Error) => e.name === 'InputError' && /fashion-mnist: not available: missing t10k-labels-idx1-ubyte\[\.gz\]/.test(e.message) && /apt-get install dataset-fashion-mnist/.test(e.message));
  assert.throws(() => loadFashionMnist(path.join(dir, 'nope')), /missing directory .*nope/);

  writeIdxDir(dir, { nTrain: 10, nTest: 5, gz: false });
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([4], new Uint8Array(4)));
  assert.throws(() => loadMnist(dir), /has 5 images but .*t10k-labels-idx1-ubyte has 4 labels/);

  writeIdxDir(dir, { nTrain: 10, nTest: 5, gz: false });
  const f = path.join(dir, 'train-images-idx3-ubyte');
  fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 16 + 784 * 9 + 100));
  assert.throws(() => loadMnist(dir), /train-images-idx3-ubyte: truncated: header \[10, 28, 28\] needs 7840 data bytes, file has 7156/);

  writeIdxDir(dir, { nTrain: 10, nTest: 5, gz: false });
  fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), encodeIdx([10], new Uint8Array(10).fill(12)));
  assert.throws(() => loadDatasetSync('mnist', { dir }), /label 12 at index 0 is outside \[0, 10\)/);
  fs.rmSync(dir, { recursive: true });
});
