import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { datasetCacheFile, loadDataset, loadDatasetSync, resolveDataDir } from 'memgeo';
import { maxPixelError, tmpDir, writeCifar100BinDir, writeIdxDir } from './fixtures';

function setup() {
  const root = tmpDir('cache');
  const dir = path.join(root, 'src');
  const cacheDir = path.join(root, 'cache');
  const fx = writeCifar100BinDir(dir, 30, 10);
  return { root, dir, cacheDir, fx, file: datasetCacheFile('cifar100', { cacheDir }) };
}

test('second load reads the cache and gives the same dataset', async () => {
  const { root, dir, cacheDir, fx, file } = setup();
  const a = await loadDataset('cifar100', { dir, cacheDir });
  assert.deepEqual(a.cache, { status: 'written', file });
  assert.ok(fs.existsSync(file));
  assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(file)], 'no temporary files left behind');
  const b = loadDatasetSync('cifar100', { dir, cacheDir });
  assert.deepEqual(b.cache, { status: 'hit', file });
  assert.deepEqual(Array.from(b.train.labels), Array.from(fx.train.labels));
  assert.deepEqual(Array.from(b.train.coarseLabels!), Array.from(fx.train.coarse!));
  assert.ok(maxPixelError(b.train.images, fx.train.pixels) < 1e-7);
  assert.ok(maxPixelError(b.test.images, fx.test.pixels) < 1e-7);
  assert.deepEqual(b.classNames, a.classNames);
  assert.deepEqual(b.coarseClassNames, a.coarseClassNames);
  assert.equal(b.source, a.source);
  // Fine and coarse variants are cached separately.
  const c = loadDatasetSync('cifar100', { dir, cacheDir, fine: false });
  assert.equal(c.cache?.status, 'written');
  assert.equal(c.numClasses, 20);
  assert.equal(loadDatasetSync('cifar100', { dir, cacheDir }).cache?.status, 'hit');
  assert.equal(loadDatasetSync('cifar100', { dir, cacheDir, cache: false }).cache?.status, 'off');
  fs.rmSync(root, { recursive: true });
});

test('a corrupt, truncated, foreign or stale cache is decoded again, not trusted', () => {
  const { root, dir, cacheDir, fx, file } = setup();
  loadDatasetSync('cifar100', { dir, cacheDir });
  const good = fs.readFileSync(file);
  const check = (reason: RegExp) => {
    const ds = loadDatasetSync('cifar100', { dir, cacheDir });
    assert.equal(ds.cache?.status, 'invalid');
    assert.match(ds.cache?.reason ?? '', reason);
    assert.deepEqual(Array.from(ds.train.labels), Array.from(fx.train.labels));
    assert.ok(maxPixelError(ds.train.images, fx.train.pixels) < 1e-7);
    // The cache was rewritten and is good again.
    assert.equal(loadDatasetSync('cifar100', { dir, cacheDir }).cache?.status, 'hit');
  };
  const flipped = Buffer.from(good);
  flipped[flipped.length - 5000] ^= 0xff; // a pixel byte in the payload
  fs.writeFileSync(file, flipped);
  check(/checksum mismatch/);
  fs.writeFileSync(file, good.subarray(0, good.length - 100));
  check(/wrong length/);
  fs.writeFileSync(file, 'not a cache');
  check(/bad magic number/);
  const badHeader = Buffer.from(good);
  badHeader[14] = 0x7b; // break the JSON header
  fs.writeFileSync(file, badHeader);
  check(/corrupt header|source files changed|cache format/);
  // The source changed (new size and mtime): the cache is stale.
  writeCifar100BinDir(dir, 31, 10);
  const fresh = loadDatasetSync('cifar100', { dir, cacheDir });
  assert.equal(fresh.cache?.status, 'invalid');
  assert.match(fresh.cache?.reason ?? '', /source files changed/);
  assert.equal(fresh.train.count, 31);
  fs.rmSync(root, { recursive: true });
});

test('uncompressed IDX is not cached; gzipped IDX is', () => {
  const root = tmpDir('cache-idx');
  const cacheDir = path.join(root, 'cache');
  writeIdxDir(path.join(root, 'plain'), { nTrain: 5, nTest: 3, gz: false });
  writeIdxDir(path.join(root, 'gz'), { nTrain: 5, nTest: 3, gz: true });
  const plain = loadDatasetSync('mnist', { dir: path.join(root, 'plain'), cacheDir });
  assert.equal(plain.cache?.status, 'off');
  assert.match(plain.cache?.reason ?? '', /uncompressed/);
  assert.equal(loadDatasetSync('fashion-mnist', { dir: path.join(root, 'gz'), cacheDir }).cache?.status, 'written');
  assert.equal(loadDatasetSync('fashion-mnist', { dir: path.join(root, 'gz'), cacheDir }).cache?.status, 'hit');
  fs.rmSync(root, { recursive: true });
});

test('resolveDataDir: MEMGEO_DATA_DIR, else data/ at the workspace root', () => {
  const saved = process.env.MEMGEO_DATA_DIR;
  try {
    process.env.MEMGEO_DATA_DIR = '/tmp/somewhere';
    assert.equal(resolveDataDir(), '/tmp/somewhere');
    delete process.env.MEMGEO_DATA_DIR;
    const dir = resolveDataDir();
    assert.equal(path.basename(dir), 'data');
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(dir), 'package.json'), 'utf8'));
    assert.ok(pkg.workspaces, 'data/ sits next to the workspace package.json');
  } finally {
    if (saved === undefined) delete process.env.MEMGEO_DATA_DIR;
    else process.env.MEMGEO_DATA_DIR = saved;
  }
});
