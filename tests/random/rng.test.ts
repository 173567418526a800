import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from 'memgeo';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42),
    b = new Rng(42),
    c = new Rng(43);
  const xa = Array.from({ length: 20 }, () => a.uniform());
  const xb = Array.from({ length: 20 }, () => b.uniform());
  const xc = Array.from({ length: 20 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
});

test('uniform is in [0,1) with mean 1/2; normal has mean 0 and variance 1', () => {
  const r = new Rng(1);
  const n = 200000;
  let su = 0,
    sn = 0,
    sn2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    su += u;
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 0.5) < 0.005);
  assert.ok(Math.abs(sn / n) < 0.01);
  assert.ok(Math.abs(sn2 / n - 1) < 0.02);
});

test('permutation is a permutation; derive gives independent reproducible streams', () => {
  const p = new Rng(3).permutation(100);
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.equal(Rng.derive(7, 'tvec', 1).uniform(), Rng.derive(7, 'tvec', 1).uniform());
  assert.notEqual(Rng.derive(7, 'tvec', 1).uniform(), Rng.derive(7, 'tvec', 2).uniform());
  assert.throws(() => new Rng(1).sample(3, 4), /cannot draw 4/);
  assert.throws(() => new Rng(NaN), /finite/);
});

test('fillNormal draws the stream normal() gives one by one, bit for bit, at every length and across calls', () => {
  // Long fills run in the WebAssembly kernel, short ones in JavaScript; a spare Box–Muller value and
  // the chunk boundary (8192) must carry over exactly, for Float64Array and Float32Array alike.
  for (const n of [1, 63, 64, 65, 8191, 8192, 8193, 20001]) {
    const a = Rng.derive(7, 'fill', n);
    const b = Rng.derive(7, 'fill', n);
    a.normal(); // leaves a spare in both
    b.normal();
    const x = a.fillNormal(new Float64Array(n));
    const y = b.fillNormalScalar(new Float64Array(n));
    const x32 = a.fillNormal(new Float32Array(n + 3));
    const y32 = b.fillNormalScalar(new Float32Array(n + 3));
    assert.deepEqual(x, y, `Float64Array, n = ${n}`);
    assert.deepEqual(x32, y32, `Float32Array, n = ${n + 3}`);
    assert.equal(a.normal(), b.normal(), `the draw after, n = ${n}`);
    assert.equal(a.uniform(), b.uniform(), `the generator state after, n = ${n}`);
  }
});
