import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedSubset, balancedSubsetIndices, classCounts, selectExamples } from 'memgeo';
import type { ImageSplit } from 'memgeo';

function toySplit(): ImageSplit {
  // 3 classes with 5, 8 and 4 examples; image k (2 values) is [k, -k].
  const labels = Int32Array.from([0, 1, 1, 2, 0, 1, 1, 0, 2, 1, 2, 1, 0, 1, 2, 0, 1]);
  const images = new Float32Array(labels.length * 2);
  for (let k = 0; k < labels.length; k++) images.set([k, -k], 2 * k);
  return { images, labels, count: labels.length };
}

test('balanced subset: perClass examples of each class, seeded, ascending, with images copied', () => {
  const split = toySplit();
  const idx = balancedSubsetIndices(split.labels, 3, 11);
  assert.equal(idx.length, 9);
  assert.deepEqual(classCounts(Int32Array.from(idx, (i) => split.labels[i]), 3), [3, 3, 3]);
  assert.deepEqual(Array.from(idx), Array.from(idx).sort((a, b) => a - b));
  assert.equal(new Set(idx).size, 9);
  assert.deepEqual(balancedSubsetIndices(split.labels, 3, 11), idx, 'same seed, same subset');
  const others = [1, 2, 3, 4, 5].map((s) => Array.from(balancedSubsetIndices(split.labels, 3, s)).join());
  assert.ok(others.some((o) => o !== Array.from(idx).join()), 'other seeds give other subsets');
  const { split: sub, indices } = balancedSubset(split, 3, 11);
  assert.deepEqual(indices, idx);
  assert.equal(sub.count, 9);
  for (let k = 0; k < 9; k++) {
    assert.equal(sub.labels[k], split.labels[idx[k]]);
    assert.deepEqual(Array.from(sub.images.subarray(2 * k, 2 * k + 2)), [idx[k], -idx[k]]);
  }
});

test('balanced subset errors: more per class than exist (names the class), bad perClass, bad index', () => {
  const split = toySplit();
  assert.throws(() => balancedSubsetIndices(split.labels, 5, 0), (e: Error) => e.name === 'InputError' && /class 2 has 4 examples, fewer than the 5 per class requested; lower perClass to at most 4/.test(e.message));
  assert.throws(() => balancedSubsetIndices(split.labels, 1, 0, 4), /class 3 has 0 examples/);
  assert.throws(() => balancedSubsetIndices(split.labels, 0, 0), /perClass must be a positive integer/);
  assert.throws(() => selectExamples(split, [0, 17]), /index 17 is outside \[0, 17\)/);
});
