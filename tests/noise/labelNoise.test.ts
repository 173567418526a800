import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noLabelNoise, permuteLabels, symmetricLabelNoise } from 'memgeo';
import { balancedLabels, countWhere, histogram } from './helpers';

test('permuteLabels: round(ε·n) chosen, labels shuffled among them, marginals kept, bookkeeping consistent', () => {
  const C = 10;
  const y = balancedLabels(10000, C);
  const noisy = permuteLabels(y, 0.3, 5, { numClasses: C });
  assert.equal(noisy.kind, 'permute');
  assert.equal(noisy.epsilon, 0.3);
  assert.equal(noisy.numClasses, C);
  assert.equal(noisy.excludeUnchanged, true);
  assert.deepEqual(noisy.trueLabel, y);
  assert.equal(countWhere(noisy.isSelected), 3000);
  const selTrue: number[] = [],
    selTrain: number[] = [];
  let unchanged = 0;
  for (let i = 0; i < y.length; i++) {
    if (noisy.isSelected[i]) {
      selTrue.push(y[i]);
      selTrain.push(noisy.trainLabel[i]);
      if (noisy.trainLabel[i] === y[i]) {
        unchanged++;
        assert.equal(noisy.isPermuted[i], 0, 'unchanged-by-chance examples are not in the permuted group');
      } else assert.equal(noisy.isPermuted[i], 1);
    } else {
      assert.equal(noisy.trainLabel[i], y[i], 'unchosen examples keep their labels');
      assert.equal(noisy.isPermuted[i], 0);
    }
  }
  // A shuffle among the chosen keeps their label multiset, so the class marginals are unchanged.
  assert.deepEqual(histogram(selTrain, C), histogram(selTrue, C));
  assert.deepEqual(histogram(noisy.trainLabel, C), histogram(y, C));
  assert.equal(noisy.unchangedByChance, unchanged);
  assert.equal(countWhere(noisy.isPermuted), 3000 - unchanged);
  // About 1/C of the chosen keep their class by chance (expected 300, sd about 16).
  assert.ok(unchanged > 220 && unchanged < 380, `unchanged by chance: ${unchanged}`);
});

test('permuteLabels: excludeUnchanged false keeps them in the permuted group; ε = 0 and 1; rounding', () => {
  const y = balancedLabels(1000, 10);
  const keep = permuteLabels(y, 0.5, 1, { excludeUnchanged: false });
  assert.deepEqual(keep.isPermuted, keep.isSelected);
  assert.equal(keep.excludeUnchanged, false);
  assert.ok(keep.unchangedByChance > 0);
  assert.deepEqual(keep.trainLabel, permuteLabels(y, 0.5, 1).trainLabel, 'same shuffle either way');
  const none = permuteLabels(y, 0, 1);
  assert.equal(countWhere(none.isSelected), 0);
  assert.deepEqual(none.trainLabel, y);
  const all = permuteLabels(y, 1, 1);
  assert.equal(countWhere(all.isSelected), 1000);
  assert.equal(countWhere(permuteLabels(balancedLabels(7, 3), 0.5, 0).isSelected), 4, 'round(3.5) = 4');
  assert.equal(countWhere(permuteLabels(balancedLabels(7, 3), 0.2, 0).isSelected), 1, 'round(1.4) = 1');
});

test('permuteLabels: same seed reproduces, other seeds differ, smaller ε chooses a subset', () => {
  const y = balancedLabels(5000, 10);
  const a = permuteLabels(y, 0.2, 42),
    b = permuteLabels(y, 0.2, 42),
    c = permuteLabels(y, 0.2, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.isSelected, c.isSelected);
  const big = permuteLabels(y, 0.6, 42);
  for (let i = 0; i < y.length; i++) if (a.isSelected[i]) assert.equal(big.isSelected[i], 1);
});

test('permuteLabels and symmetricLabelNoise reject ε outside [0, 1] and bad labels', () => {
  const y = balancedLabels(100, 10);
  for (const eps of [-0.1, 1.5, NaN, Infinity]) {
    assert.throws(
      () => permuteLabels(y, eps, 0),
      (e: Error) =>
        e.name === 'InputError' && /permuteLabels: ε \(epsilon, the fraction of permuted labels\) must be in \[0, 1\]/.test(e.message),
    );
    assert.throws(() => symmetricLabelNoise(y, eps, 0, 10), /symmetricLabelNoise: p \(the label-noise probability\) must be in \[0, 1\]/);
  }
  assert.throws(() => permuteLabels(y, 0.1, 0, { numClasses: 5 }), /label 9 is outside \[0, 5\)/);
  assert.throws(() => permuteLabels(Int32Array.from([0, -1]), 0.1, 0), /label -1 at index 1 is negative/);
  assert.throws(() => permuteLabels(y, 0.1, NaN), /seed must be a finite number/);
  assert.throws(() => symmetricLabelNoise(Int32Array.from([0, 0]), 0.5, 0, 1), /at least 2 classes/);
});

test('symmetricLabelNoise: each label with probability p becomes a different class, uniformly', () => {
  const C = 10;
  const y = balancedLabels(50000, C);
  const noisy = symmetricLabelNoise(y, 0.2, 9, C);
  assert.equal(noisy.kind, 'symmetric');
  const changed = countWhere(noisy.isSelected);
  // Binomial(50000, 0.2): mean 10000, sd about 89.
  assert.ok(Math.abs(changed - 10000) < 450, `changed ${changed}`);
  assert.deepEqual(noisy.isPermuted, noisy.isSelected);
  assert.equal(noisy.unchangedByChance, 0);
  // Offsets (new - true) mod C are uniform over 1..C-1 and never 0.
  const offsets = new Array<number>(C).fill(0);
  for (let i = 0; i < y.length; i++) {
    if (noisy.isSelected[i]) offsets[(noisy.trainLabel[i] - y[i] + C) % C]++;
    else assert.equal(noisy.trainLabel[i], y[i]);
  }
  assert.equal(offsets[0], 0);
  const expected = changed / (C - 1);
  const chi2 = offsets.slice(1).reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 30, `chi-square ${chi2.toFixed(1)} with 8 degrees of freedom`); // p < 0.001 at 26.1
  assert.deepEqual(symmetricLabelNoise(y, 0.2, 9, C), noisy, 'same seed, same noise');
  assert.notDeepEqual(symmetricLabelNoise(y, 0.2, 10, C).trainLabel, noisy.trainLabel);
  const more = symmetricLabelNoise(y, 0.4, 9, C);
  for (let i = 0; i < y.length; i++) if (noisy.isSelected[i]) assert.equal(more.isSelected[i], 1, 'nested in p for one seed');
  assert.equal(countWhere(symmetricLabelNoise(y, 0, 9, C).isSelected), 0);
  assert.equal(countWhere(symmetricLabelNoise(y, 1, 9, C).isSelected), 50000);
});

test('noLabelNoise keeps every label', () => {
  const y = balancedLabels(50, 5);
  const n = noLabelNoise(y);
  assert.equal(n.kind, 'none');
  assert.equal(n.numClasses, 5);
  assert.deepEqual(n.trainLabel, y);
  assert.equal(countWhere(n.isSelected) + countWhere(n.isPermuted), 0);
});
