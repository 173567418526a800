// memgeo's wasm BatchMatMul / _FusedMatMul: values and gradients against the cpu backend for every
// transpose combination, batched and broadcast shapes; and the stale-B-operand hazard (docs/stack.md §2)
// with exact expected values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from 'memgeo';
import { assertClose, onBoth, randt, values } from './helpers';

interface Case {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
  /**
   * Broadcast batch dims: values only (tfjs-core's BatchMatMul gradient rejects broadcasting on every
   * backend), against cpu on explicitly broadcast operands (the cpu kernel itself only handles a
   * batch of 1 against n, not e.g. [2, 1] against [1, 3]).
   */
  valuesOnly?: boolean;
}
const cases: Case[] = [];
for (const ta of [false, true]) {
  for (const tb of [false, true]) {
    // 2-D: A is M×K (or K×M), B is K×N (or N×K), with M, K, N distinct so shape mix-ups fail.
    cases.push({ a: ta ? [7, 5] : [5, 7], b: tb ? [6, 7] : [7, 6], ta, tb });
    // batched, large enough per item for the per-item fast path
    cases.push({ a: ta ? [3, 33, 40] : [3, 40, 33], b: tb ? [3, 30, 33] : [3, 33, 30], ta, tb });
    // batched, tiny items (stock scalar path)
    cases.push({ a: ta ? [4, 3, 2] : [4, 2, 3], b: tb ? [4, 5, 3] : [4, 3, 5], ta, tb });
  }
}
// a small A against a large Bᵀ: computed as (B·Aᵀ)ᵀ
cases.push({ a: [4, 50], b: [60, 50], ta: false, tb: true });
cases.push({ a: [50, 4], b: [60, 50], ta: true, tb: true });
cases.push({ a: [1, 4, 50], b: [60, 50], ta: false, tb: true, valuesOnly: true });
// broadcasting of batch dims, which the stock wasm kernel gets wrong
cases.push({ a: [3, 4, 5], b: [5, 6], ta: false, tb: false, valuesOnly: true });
cases.push({ a: [3, 40, 33], b: [1, 33, 30], ta: false, tb: false, valuesOnly: true });
cases.push({ a: [1, 40, 33], b: [3, 33, 30], ta: false, tb: false, valuesOnly: true });
cases.push({ a: [2, 1, 35, 33], b: [1, 3, 33, 30], ta: false, tb: false, valuesOnly: true });
cases.push({ a: [2, 1, 33, 35], b: [1, 3, 30, 33], ta: true, tb: true, valuesOnly: true });

for (const c of cases) {
  const name = `a[${c.a}]${c.ta ? 'ᵀ' : ''} · b[${c.b}]${c.tb ? 'ᵀ' : ''}`;
  test(`matMul values${c.valuesOnly ? '' : ' and gradients'} match cpu: ${name}`, async () => {
    const run = () =>
      tf.tidy(() => {
        const a = randt(c.a, 11);
        const b = randt(c.b, 12);
        const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, c.ta, c.tb);
        if (c.valuesOnly) {
          if (tf.getBackend() === 'wasm') return values(f(a, b));
          const batch = tf.broadcast_util.assertAndGetBroadcastShape(c.a.slice(0, -2), c.b.slice(0, -2));
          return values(f(tf.broadcastTo(a, [...batch, ...c.a.slice(-2)]), tf.broadcastTo(b, [...batch, ...c.b.slice(-2)])));
        }
        const y = f(a, b);
        const r = randt(y.shape, 13);
        const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), r)));
        return values([y, ...g([a, b])]);
      });
    const { cpu, wasm } = await onBoth(run);
    assertClose(wasm, cpu, 1e-5, name);
  });
}

for (const [ta, tb] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  test(`fused matMul (bias + relu) values match cpu, transposeA=${ta} transposeB=${tb}, batched A`, async () => {
    const run = () =>
      tf.tidy(() => {
        const a = randt(ta ? [2, 9, 8] : [2, 8, 9], 21);
        const b = randt(tb ? [7, 9] : [9, 7], 22);
        const bias = randt([7], 23);
        return values(tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation: 'relu' }));
      });
    const { cpu, wasm } = await onBoth(run);
    assertClose(wasm, cpu, 1e-5, 'fused');
  });
}

test('stale-B hazard: one buffer used as matMul B under two shapes gives the right values (BatchMatMul)', async () => {
  await useBackend('wasm');
  tf.tidy(() => {
    const x = tf.range(0, 24); // 0..23
    const p = tf.matMul(tf.ones([1, 4]), x.reshape([4, 6])); // column sums of the 4×6 view
    const q = tf.matMul(tf.ones([1, 6]), x.reshape([6, 4])); // column sums of the 6×4 view
    // 4×6 view: column j = Σ_i (6i + j) = 36 + 4j; 6×4 view: Σ_i (4i + j) = 60 + 6j.
    assert.deepEqual(Array.from(p.dataSync()), [36, 40, 44, 48, 52, 56]);
    assert.deepEqual(Array.from(q.dataSync()), [60, 66, 72, 78]);
    // and back to the first shape
    assert.deepEqual(Array.from(tf.matMul(tf.ones([1, 4]), x.reshape([4, 6])).dataSync()), [36, 40, 44, 48, 52, 56]);
  });
});

test('stale-B hazard: the same with _FusedMatMul (tf.fused.matMul with bias)', async () => {
  await useBackend('wasm');
  tf.tidy(() => {
    const x = tf.range(0, 24);
    const f = (rows: number, cols: number, bias: number) =>
      Array.from(tf.fused.matMul({ a: tf.ones([1, rows]), b: x.reshape([rows, cols]), bias: tf.fill([cols], bias) }).dataSync());
    assert.deepEqual(f(4, 6, 1), [37, 41, 45, 49, 53, 57]);
    assert.deepEqual(f(6, 4, 1), [61, 67, 73, 79]);
    // and mixing the two kernels on one buffer
    assert.deepEqual(Array.from(tf.matMul(tf.ones([1, 3]), x.reshape([3, 8])).dataSync()), [24, 27, 30, 33, 36, 39, 42, 45]);
    assert.deepEqual(f(8, 3, 0), [84, 92, 100]);
  });
});
