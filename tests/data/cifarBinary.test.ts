import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES, encodeCifarBinary, loadCifar100Binary, loadCifar10Binary, loadDataset, parseCifarBinary } from 'memgeo';
import { maxPixelError, tmpDir, writeCifar100BinDir, writeCifar10BinDir } from './fixtures';

test('parseCifarBinary turns the R, G, B planes into HWC', () => {
  // One record, label 7: R plane = p mod 256, G = 100, B = 200.
  const rec = new Uint8Array(1 + 3072);
  rec[0] = 7;
  for (let p = 0; p < 1024; p++) {
    rec[1 + p] = p % 256;
    rec[1 + 1024 + p] = 100;
    rec[1 + 2048 + p] = 200;
  }
  const r = parseCifarBinary(rec, 1);
  assert.equal(r.count, 1);
  assert.deepEqual(Array.from(r.labels), [7]);
  // Pixel (y=1, x=2) is plane index 34: HWC offset 3*34.
  assert.deepEqual(Array.from(r.pixels.subarray(3 * 34, 3 * 34 + 3)), [34, 100, 200]);
  assert.deepEqual(Array.from(encodeCifarBinary(r)), Array.from(rec));
});

test('CIFAR-10 binary folder: counts, labels, HWC pixels, meta class names, tarball subfolder', async () => {
  const root = tmpDir('c10bin');
  const dir = path.join(root, 'cifar-10-batches-bin');
  const meta = CIFAR10_CLASSES.map((c) => `${c}-x`);
  const fx = writeCifar10BinDir(dir, 7, { meta });
  // Given the folder that contains the extracted tarball.
  const ds = await loadDataset('cifar10-bin', { dir: root, cacheDir: path.join(root, 'cache') });
  assert.equal(ds.name, 'cifar10');
  assert.deepEqual(ds.imageShape, [32, 32, 3]);
  assert.equal(ds.train.count, 35);
  assert.equal(ds.test.count, 7);
  assert.deepEqual(ds.classNames, meta);
  assert.deepEqual(Array.from(ds.train.labels), Array.from(fx.train.labels));
  assert.deepEqual(Array.from(ds.test.labels), Array.from(fx.test.labels));
  assert.ok(maxPixelError(ds.train.images, fx.train.pixels) < 1e-7);
  assert.ok(maxPixelError(ds.test.images, fx.test.pixels) < 1e-7);
  assert.equal(ds.source, dir);
  assert.equal(ds.cache?.status, 'written');
  // Without meta file: built-in names.
  fs.rmSync(path.join(dir, 'batches.meta.txt'));
  assert.deepEqual(loadCifar10Binary(dir).classNames, CIFAR10_CLASSES);
  fs.rmSync(root, { recursive: true });
});

test('CIFAR-100 binary: fine labels with coarse labels alongside, or coarse labels only', () => {
  const dir = tmpDir('c100bin');
  const meta = { fine: CIFAR100_FINE_CLASSES.map((c) => c.toUpperCase()), coarse: CIFAR100_COARSE_CLASSES.map((c) => c.toUpperCase()) };
  const fx = writeCifar100BinDir(dir, 40, 9, { meta });
  const fine = loadCifar100Binary(dir);
  assert.equal(fine.name, 'cifar100');
  assert.equal(fine.numClasses, 100);
  assert.equal(fine.train.count, 40);
  assert.equal(fine.test.count, 9);
  assert.deepEqual(fine.classNames, meta.fine);
  assert.deepEqual(fine.coarseClassNames, meta.coarse);
  assert.deepEqual(Array.from(fine.train.labels), Array.from(fx.train.labels));
  assert.deepEqual(Array.from(fine.train.coarseLabels!), Array.from(fx.train.coarse!));
  assert.deepEqual(Array.from(fine.test.coarseLabels!), Array.from(fx.test.coarse!));
  assert.ok(maxPixelError(fine.train.images, fx.train.pixels) < 1e-7);
  const coarse = loadCifar100Binary(dir, { fine: false });
  assert.equal(coarse.name, 'cifar100-coarse');
  assert.equal(coarse.numClasses, 20);
  assert.deepEqual(coarse.classNames, meta.coarse);
  assert.deepEqual(Array.from(coarse.train.labels), Array.from(fx.train.coarse!));
  assert.equal(coarse.train.coarseLabels, undefined);
  fs.rmSync(dir, { recursive: true });
});

test('CIFAR binary errors: missing folder (how to get it), truncated file, foreign file, bad label, bad meta', () => {
  const dir = tmpDir('c100err');
  const saved = process.env.MEMGEO_CIFAR100_DIR;
  process.env.MEMGEO_CIFAR100_DIR = path.join(dir, 'absent');
  try {
    assert.throws(
      () => loadCifar100Binary(),
      (e: Error) => e.name === 'InputError' && /cifar100: not available: missing directory .*absent.*\(from MEMGEO_CIFAR100_DIR\)/.test(e.message) && /cifar-100-binary\.tar\.gz/.test(e.message),
    );
  } finally {
    if (saved === undefined) delete process.env.MEMGEO_CIFAR100_DIR;
    else process.env.MEMGEO_CIFAR100_DIR = saved;
  }
  writeCifar100BinDir(dir, 4, 2);
  fs.rmSync(path.join(dir, 'test.bin'));
  assert.throws(() => loadCifar100Binary(dir), /missing test\.bin/);

  writeCifar100BinDir(dir, 4, 2);
  const train = path.join(dir, 'train.bin');
  fs.writeFileSync(train, fs.readFileSync(train).subarray(0, 3074 * 3 + 1000));
  assert.throws(() => loadCifar100Binary(dir), /train\.bin: wrong length 10222: not a whole number of 3074-byte records, so the file is truncated/);

  // A CIFAR-10 batch where CIFAR-100 is expected: the length says so.
  writeCifar100BinDir(dir, 4, 2);
  fs.writeFileSync(train, encodeCifarBinary({ pixels: new Uint8Array(3 * 3072), labels: new Int32Array(3), count: 3 }));
  assert.throws(() => loadCifar100Binary(dir), /whole number of 3073-byte records: a CIFAR-10 file\?/);

  writeCifar100BinDir(dir, 4, 2);
  const buf = fs.readFileSync(train);
  buf[3074 * 2 + 1] = 150;
  fs.writeFileSync(train, buf);
  assert.throws(() => loadCifar100Binary(dir), /record 2 has label 150, outside \[0, 100\)/);

  writeCifar100BinDir(dir, 4, 2);
  fs.writeFileSync(path.join(dir, 'fine_label_names.txt'), 'a\nb\n');
  assert.throws(() => loadCifar100Binary(dir), /fine_label_names\.txt: 2 class names, expected 100/);
  fs.rmSync(dir, { recursive: true });
});
