import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { encodeNpy, parseNpy, readNpy, writeNpy, atomicWriteFileSync } from 'memgeo';

test('npy round trip for f8/f4 and shape', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-npy-'));
  const data = Float64Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
  writeNpy(path.join(dir, 'a.npy'), { shape: [2, 3, 4], data, dtype: 'f8' });
  const back = readNpy(path.join(dir, 'a.npy'));
  assert.deepEqual(back.shape, [2, 3, 4]);
  assert.deepEqual([...back.data], [...data]);
  const f4 = parseNpy(encodeNpy({ shape: [3], data: Float32Array.of(1, 2, 3), dtype: 'f4' }));
  assert.equal(f4.dtype, 'f4');
  assert.deepEqual([...f4.data], [1, 2, 3]);
});

test('npy: truncated and bad files are errors that say why', () => {
  const buf = encodeNpy({ shape: [10], data: new Float64Array(10), dtype: 'f8' });
  assert.throws(() => parseNpy(buf.subarray(0, buf.length - 8), 'x.npy'), /x\.npy: truncated/);
  assert.throws(() => parseNpy(Buffer.from('hello world, not npy'), 'y.npy'), /bad magic/);
});

test('atomic write leaves no temporary files and replaces content', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-aw-'));
  const f = path.join(dir, 'x.txt');
  atomicWriteFileSync(f, 'one');
  atomicWriteFileSync(f, 'two');
  assert.equal(fs.readFileSync(f, 'utf8'), 'two');
  assert.deepEqual(fs.readdirSync(dir), ['x.txt']);
});
