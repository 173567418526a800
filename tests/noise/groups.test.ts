import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupClassCounts, groupView, noLabelNoise, permuteLabels, sampleManifoldGroups, sampleManifolds } from 'memgeo';
import { balancedLabels, countWhere } from './helpers';

test('group views: unpermuted / permuted / restored sizes, members and grouping labels', () => {
  const y = balancedLabels(6000, 10);
  const noisy = permuteLabels(y, 0.4, 3);
  const un = groupView(noisy, 'unpermuted');
  const pe = groupView(noisy, 'permuted');
  const re = groupView(noisy, 'restored');
  const selected = countWhere(noisy.isSelected);
  assert.equal(selected, 2400);
  assert.equal(un.indices.length, 6000 - 2400);
  assert.equal(pe.indices.length, 2400 - noisy.unchangedByChance);
  assert.deepEqual(re.indices, pe.indices, 'restored = the same examples as permuted');
  assert.equal(un.numClasses, 10);
  for (let k = 0; k < un.indices.length; k++) {
    const i = un.indices[k];
    assert.equal(noisy.isSelected[i], 0);
    assert.equal(un.labels[k], y[i]);
  }
  for (let k = 0; k < pe.indices.length; k++) {
    const i = pe.indices[k];
    assert.equal(pe.labels[k], noisy.trainLabel[i]);
    assert.equal(re.labels[k], y[i]);
    assert.notEqual(pe.labels[k], re.labels[k], 'every permuted example is mislabelled');
  }
  // Unchanged-by-chance examples are in neither group by default.
  const inAny = new Set([...un.indices, ...pe.indices]);
  assert.equal(inAny.size, 6000 - noisy.unchangedByChance);
  // With excludeUnchanged false they join permuted and restored.
  const keep = permuteLabels(y, 0.4, 3, { excludeUnchanged: false });
  assert.equal(groupView(keep, 'permuted').indices.length, 2400);
  assert.equal(groupView(keep, 'unpermuted').indices.length, 3600);
  // Per-class sizes: permuted by training label and restored by true label both total the group.
  assert.equal(
    groupClassCounts(pe).reduce((a, b) => a + b, 0),
    pe.indices.length,
  );
  assert.equal(
    groupClassCounts(re).reduce((a, b) => a + b, 0),
    pe.indices.length,
  );
  // No noise: everything is unpermuted, the permuted group is empty.
  const clean = noLabelNoise(y);
  assert.equal(groupView(clean, 'unpermuted').indices.length, 6000);
  assert.equal(groupView(clean, 'permuted').indices.length, 0);
  assert.throws(() => groupView(noisy, 'shuffled' as never), /unknown manifold kind 'shuffled'/);
});

test('sampleManifolds: P classes x M examples from the group, same classes for all kinds, reproducible', () => {
  // CIFAR-100-like: 100 classes x 500 examples, ε = 0.5 gives about 250 permuted per class.
  const y = balancedLabels(50000, 100);
  const noisy = permuteLabels(y, 0.5, 7);
  const groups = sampleManifoldGroups(noisy, { P: 20, M: 50, seed: 1 });
  const classes = groups.unpermuted!.classes;
  assert.equal(classes.length, 20);
  assert.equal(new Set(classes).size, 20);
  for (const kind of ['unpermuted', 'permuted', 'restored'] as const) {
    const s = groups[kind]!;
    assert.equal(s.kind, kind);
    assert.deepEqual(s.classes, classes, 'same classes for the three kinds');
    assert.equal(s.indices.length, 20);
    const view = groupView(noisy, kind);
    const labelOf = new Map<number, number>();
    view.indices.forEach((i, k) => labelOf.set(i, view.labels[k]));
    s.indices.forEach((m, p) => {
      assert.equal(m.length, 50);
      assert.equal(new Set(m).size, 50);
      for (const i of m) assert.equal(labelOf.get(i), classes[p], `${kind}: example ${i} belongs to class ${classes[p]} in this group`);
    });
  }
  // Permuted and restored manifolds of one class are different examples (grouped by different labels).
  assert.notDeepEqual(groups.permuted!.indices[0], groups.restored!.indices[0]);
  // Same classes when sampled one kind at a time with the same seed, P and C.
  assert.deepEqual(sampleManifolds(groupView(noisy, 'restored'), { P: 20, M: 50, seed: 1 }).classes, classes);
  // Reproducible; another seed differs.
  assert.deepEqual(sampleManifolds(groupView(noisy, 'permuted'), { P: 20, M: 50, seed: 1 }), groups.permuted);
  const other = sampleManifolds(groupView(noisy, 'permuted'), { P: 20, M: 50, seed: 2 });
  assert.notDeepEqual(other.classes, classes);
  // Given classes are used as given (sorted); P defaults to all classes.
  const given = sampleManifolds(groupView(noisy, 'unpermuted'), { M: 10, seed: 1, classes: [9, 2, 5] });
  assert.deepEqual(Array.from(given.classes), [2, 5, 9]);
  assert.deepEqual(
    Array.from(sampleManifolds(groupView(noisy, 'unpermuted'), { M: 5, seed: 1 }).classes),
    Array.from({ length: 100 }, (_, c) => c),
  );
});

test('sampleManifolds errors: too few permuted examples per class for M, bad P, M or classes', () => {
  // 100 classes x 500, ε = 0.05: about 25 permuted per class, so M = 50 cannot work.
  const y = balancedLabels(50000, 100);
  const noisy = permuteLabels(y, 0.05, 7);
  for (const kind of ['permuted', 'restored'] as const) {
    assert.throws(
      () => sampleManifolds(groupView(noisy, kind), { P: 100, M: 50, seed: 0 }),
      (e: Error) =>
        e.name === 'InputError' &&
        new RegExp(`sampleManifolds\\(${kind}\\): class \\d+ has \\d+ examples with that .* in the ${kind} group, fewer than M = 50`).test(
          e.message,
        ) &&
        /Lower M to at most \d+, or raise ε/.test(e.message),
    );
  }
  const counts = groupClassCounts(groupView(noisy, 'permuted'));
  const smallest = Math.min(...counts);
  assert.doesNotThrow(() => sampleManifolds(groupView(noisy, 'permuted'), { M: smallest, seed: 0 }));
  assert.throws(() => sampleManifolds(groupView(noisy, 'permuted'), { M: smallest + 1, seed: 0 }), new RegExp(`at most ${smallest}\\b`));
  const un = groupView(noisy, 'unpermuted');
  assert.throws(() => sampleManifolds(un, { M: 600, seed: 0 }), /unpermuted.*fewer than M = 600.*use more training examples per class/);
  assert.throws(() => sampleManifolds(un, { P: 101, M: 5, seed: 0 }), /P must be an integer in \[1, 100\]/);
  assert.throws(() => sampleManifolds(un, { P: 0, M: 5, seed: 0 }), /P must be an integer/);
  assert.throws(() => sampleManifolds(un, { M: 0, seed: 0 }), /M \(examples per manifold\) must be a positive integer/);
  assert.throws(() => sampleManifolds(un, { M: 5, seed: 0, classes: [1, 1] }), /class 1 is listed twice/);
  assert.throws(() => sampleManifolds(un, { M: 5, seed: 0, classes: [100] }), /class 100 is outside \[0, 100\)/);
  assert.throws(() => sampleManifolds(un, { P: 3, M: 5, seed: 0, classes: [1, 2] }), /P = 3 but 2 classes were given/);
});
