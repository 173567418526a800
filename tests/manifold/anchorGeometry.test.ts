import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchorGeometry, NnlsSolver, Rng } from 'memgeo';
import { readGolden, relErr } from './golden';

test('anchorGeometry reproduces the reference each_manifold_analysis_D1 on every unit case to 1e-6', () => {
  const u = readGolden('unit_each_manifold.json');
  assert.ok(u.cases.length >= 6);
  for (const c of u.cases) {
    const D1 = c.sD1.length;
    const M = c.sD1[0].length;
    const s = new Float64Array(D1 * M);
    for (let mu = 0; mu < M; mu++) for (let i = 0; i < D1; i++) s[mu * D1 + i] = c.sD1[i][mu];
    const t = new Float64Array(D1 * c.n_t);
    for (let k = 0; k < c.n_t; k++) for (let i = 0; i < D1; i++) t[k * D1 + i] = c.t_vec[i][k];
    const r = anchorGeometry(s, D1 - 1, M, t, c.n_t, c.kappa);
    assert.ok(relErr(r.capacity, c.outputs.capacity) < 1e-6, `${c.name} capacity ${r.capacity} vs ${c.outputs.capacity}`);
    assert.ok(relErr(r.radius, c.outputs.radius) < 1e-6, `${c.name} radius ${r.radius} vs ${c.outputs.radius}`);
    assert.ok(relErr(r.dimension, c.outputs.dimension) < 1e-6, `${c.name} dimension ${r.dimension} vs ${c.outputs.dimension}`);
    assert.equal(r.interior, c.n_interior_t, `${c.name} interior count`);
    assert.equal(r.nnlsMaxIterations, 0);
  }
});

/** KKT of min ‖Ax − t‖², x ≥ 0: x ≥ 0, w = Aᵀ(t − Ax) ≤ tol, w_j = 0 where x_j > 0. */
function checkKkt(a: Float64Array, rows: number, cols: number, t: Float64Array, x: Float64Array): number {
  const r = Float64Array.from(t);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) r[i] -= a[j * rows + i] * x[j];
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < rows; i++) scale += t[i] * t[i];
  scale = Math.sqrt(scale);
  for (let j = 0; j < cols; j++) {
    assert.ok(x[j] >= 0, 'x must be non-negative');
    let w = 0;
    for (let i = 0; i < rows; i++) w += a[j * rows + i] * r[i];
    worst = Math.max(worst, x[j] > 0 ? Math.abs(w) : Math.max(w, 0));
  }
  return worst / scale;
}

function gram(a: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let p = 0; p < cols; p++)
    for (let q = 0; q < cols; q++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += a[p * rows + i] * a[q * rows + i];
      g[p * cols + q] = s;
    }
  return g;
}

test('NNLS satisfies the KKT conditions on random over- and under-determined problems', () => {
  const rng = new Rng(7);
  for (const [rows, cols] of [
    [30, 10],
    [10, 30],
    [21, 20],
    [5, 40],
    [51, 50],
  ]) {
    const solver = new NnlsSolver(rows, cols);
    for (let rep = 0; rep < 20; rep++) {
      const a = rng.fillNormal(new Float64Array(rows * cols));
      const t = rng.fillNormal(new Float64Array(rows));
      const x = new Float64Array(cols);
      const res = solver.solve(a, rows, cols, gram(a, rows, cols), t, x);
      assert.equal(res.status, 'optimal');
      assert.ok(checkKkt(a, rows, cols, t, x) < 1e-9, `KKT violated for ${rows}x${cols}`);
    }
  }
});

test('NNLS reaches the optimum of projected gradient on small problems, and handles duplicate columns', () => {
  const rng = new Rng(11);
  const rows = 4;
  const cols = 5;
  const solver = new NnlsSolver(rows, cols + 1);
  for (let rep = 0; rep < 30; rep++) {
    const a = rng.fillNormal(new Float64Array(rows * cols));
    const t = rng.fillNormal(new Float64Array(rows));
    const x = new Float64Array(cols);
    solver.solve(a, rows, cols, gram(a, rows, cols), t, x);
    const obj = (v: Float64Array) => {
      let s = 0;
      for (let i = 0; i < rows; i++) {
        let r = t[i];
        for (let j = 0; j < cols; j++) r -= a[j * rows + i] * v[j];
        s += r * r;
      }
      return s;
    };
    // The problem is convex: projected gradient with step 1/‖A‖²_F reaches the same optimum value.
    let fro = 0;
    for (const v of a) fro += v * v;
    const v = new Float64Array(cols);
    for (let it = 0; it < 20000; it++) {
      const r = Float64Array.from(t);
      for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) r[i] -= a[j * rows + i] * v[j];
      for (let j = 0; j < cols; j++) {
        let g = 0;
        for (let i = 0; i < rows; i++) g += a[j * rows + i] * r[i];
        v[j] = Math.max(0, v[j] + g / fro);
      }
    }
    const best = obj(v);
    assert.ok(obj(x) <= best + 1e-6, `NNLS objective ${obj(x)} worse than search ${best}`);
  }
  // A duplicated column must not break the factorisation.
  const a = rng.fillNormal(new Float64Array(rows * cols));
  const dup = new Float64Array(rows * (cols + 1));
  dup.set(a);
  dup.set(a.subarray(0, rows), cols * rows);
  const t = rng.fillNormal(new Float64Array(rows));
  const x = new Float64Array(cols + 1);
  solver.solve(dup, rows, cols + 1, gram(dup, rows, cols + 1), t, x);
  assert.ok(checkKkt(dup, rows, cols + 1, t, x) < 1e-9);
});
