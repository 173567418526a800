import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  doubleDescentFindings,
  doubleDescentFindingsMarkdown,
  doubleDescentFindingsTable,
  interpolationThreshold,
  testErrorPeak,
  widthErrors,
  type Row,
} from 'memgeo';

/** double_descent.csv rows for one noise kind: errors per width, repeated over two layers × three types,
 * with capacity = a per-(width, manifold) value so the geometry summary can be checked. */
function table(points: { width: number; train: number; test: number }[], kind = 'permute', seeds = [0]): Row[] {
  const rows: Row[] = [];
  for (const seed of seeds) {
    for (const p of points) {
      for (const layer of ['fc1', 'logits']) {
        for (const [m, manifold] of ['unpermuted', 'permuted', 'restored'].entries()) {
          rows.push({
            noise_kind: kind,
            epsilon: 0.2,
            seed,
            width: p.width,
            params: 100 * p.width,
            epochs: 10,
            train_error: p.train,
            train_unpermuted_error: p.train / 2,
            train_permuted_error: p.train * 3,
            train_restored_error: 0.9,
            test_error: p.test + seed * 0.002,
            layer,
            manifold,
            M: 20,
            capacity: 0.1 * (m + 1) + (p.width === 4 ? -0.05 : 0),
            capacity_std: 0,
            radius: 1,
            radius_std: 0,
            dimension: 5,
            dimension_std: 0,
            center_correlation: 0.3,
            center_correlation_std: 0,
            note: '',
          });
        }
      }
    }
  }
  return rows;
}

const CURVE = [
  { width: 1, train: 0.3, test: 0.2 },
  { width: 2, train: 0.05, test: 0.25 },
  { width: 4, train: 0.0, test: 0.3 },
  { width: 8, train: 0.0, test: 0.22 },
  { width: 16, train: 0.0, test: 0.18 },
];

test('interpolation threshold: the smallest width whose training error is within the tolerance', () => {
  const e = widthErrors(table(CURVE));
  assert.deepEqual(
    e.map((x) => x.width),
    [1, 2, 4, 8, 16],
  );
  assert.equal(interpolationThreshold(e), 4);
  assert.equal(interpolationThreshold(e, 0.05), 2, 'tolerance is inclusive');
  assert.equal(interpolationThreshold(e, 0.049), 4);
  assert.equal(interpolationThreshold(e, 0.5), 1);
  assert.equal(interpolationThreshold(widthErrors(table(CURVE.map((p) => ({ ...p, train: 0.2 }))))), null, 'no width fits');
  // Order of the rows does not matter.
  assert.equal(interpolationThreshold(widthErrors(table([...CURVE].reverse()))), 4);
  assert.throws(() => interpolationThreshold(e, 1), /tolerance/);
  // 10 wrong of 1000 is within a 1% tolerance, although 1 − 990/1000 is 0.010000000000000009 in floats.
  assert.equal(
    interpolationThreshold(
      widthErrors(
        table([
          { width: 1, train: 0.02, test: 0.2 },
          { width: 2, train: 1 - 990 / 1000, test: 0.2 },
        ]),
      ),
    ),
    2,
  );
});

test('the test-error peak is the most prominent interior maximum; double descent needs ≥ 1 point on both sides', () => {
  const [f] = doubleDescentFindings(table(CURVE));
  assert.equal(f.threshold, 4);
  assert.equal(f.thresholdParams, 400);
  assert.ok(f.peak);
  assert.equal(f.peak.width, 4);
  assert.ok(Math.abs(f.peak.riseOverNarrower - 0.1) < 1e-12, 'against the best narrower model (width 1)');
  assert.equal(f.peak.bestNarrower.width, 1);
  assert.equal(f.peak.bestWider.width, 16);
  assert.ok(Math.abs(f.peak.riseOverWider - 0.12) < 1e-12);
  assert.equal(f.doubleDescent, true);
  assert.equal(f.peakStepsFromThreshold, 0);

  // Monotone test error: no interior peak rises above a narrower model.
  const [mono] = doubleDescentFindings(table(CURVE.map((p, i) => ({ ...p, test: 0.3 - 0.02 * i }))));
  assert.equal(mono.doubleDescent, false);
  assert.ok(mono.peak!.prominence < 0);

  // A peak of 0.9 points is not enough; 1.0 points is.
  const small = CURVE.map((p) => ({ ...p, test: p.width === 4 ? 0.189 : p.width === 1 ? 0.18 : 0.18 }));
  assert.equal(doubleDescentFindings(table(small))[0].doubleDescent, false);
  const enough = CURVE.map((p) => ({ ...p, test: p.width === 4 ? 0.19 : 0.18 }));
  assert.equal(doubleDescentFindings(table(enough))[0].doubleDescent, true);
  assert.equal(doubleDescentFindings(table(enough), { minRise: 0.02 })[0].doubleDescent, false);

  assert.equal(testErrorPeak(widthErrors(table(CURVE.slice(0, 2)))), null, 'two widths have no interior point');
});

test('findings: per noise kind, seeds averaged, geometry at the peak against its neighbours', () => {
  const rows = [
    ...table(CURVE, 'permute', [0, 1]),
    ...table(
      CURVE.map((p) => ({ ...p, test: 0.2 })),
      'symmetric',
    ),
  ];
  const findings = doubleDescentFindings(rows);
  assert.deepEqual(
    findings.map((f) => f.noiseKind),
    ['permute', 'symmetric'],
  );
  const p = findings[0];
  assert.equal(p.errors[2].seeds, 2);
  assert.ok(Math.abs(p.errors[2].testError - 0.301) < 1e-12, 'mean over seeds');
  assert.ok(p.errors[2].testErrorStd > 0);
  assert.equal(p.geometry.length, 6, 'two layers × three manifold types');
  const g = p.geometry.find((x) => x.layer === 'fc1' && x.manifold === 'restored')!;
  assert.ok(Math.abs(g.atPeak.capacity - 0.25) < 1e-12);
  assert.equal(g.narrower!.width, 2);
  assert.equal(g.wider!.width, 8);
  assert.equal(g.minCapacityWidth, 4);
  assert.equal(g.dipAtPeak, true);
  const widest = doubleDescentFindings(rows.filter((r) => r.width !== 8 || r.noise_kind !== 'permute'))[0];
  assert.equal(widest.peak!.width, 4);
  assert.equal(widest.geometry[0].wider!.width, 16, 'the next measured width');
  assert.equal(findings[1].doubleDescent, false, 'flat test error');
  const text = doubleDescentFindingsMarkdown(findings);
  assert.match(text, /interpolation threshold \(train error ≤ 1\.0%\): width 4/);
  assert.match(text, /double descent .*: yes/);
  assert.match(text, /double descent .*: no/);
  assert.match(text, /fc1 restored: capacity 0\.300 \(w 2\) → 0\.250 \(w 4\) at the peak → 0\.300 \(w 8\); dips at the peak/);
  // Markdown: a list per noise kind, every fact an item under it.
  const lines = text.split('\n');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('- ')),
    ['- permute label noise (ε = 0.2):', '- symmetric label noise (ε = 0.2):'],
  );
  assert.ok(
    lines.every((l) => l.startsWith('- ') || l.startsWith('  - ')),
    text,
  );
  const t = doubleDescentFindingsTable(findings);
  assert.equal(t.rows.length, findings[0].errors.length + findings[1].errors.length, 'one row per noise kind and width');
  for (const r of t.rows) assert.equal(r.length, t.columns.length);
  assert.deepEqual(
    t.rows.filter((r) => r[0] === 'permute' && r[6] !== '').map((r) => [r[1], r[6]]),
    [['4', 'interpolation threshold, test-error peak']],
  );
});
