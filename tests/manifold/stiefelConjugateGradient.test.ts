import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerCorrelationCost, stiefelConjugateGradient, stiefelProject, stiefelRetract, Rng } from 'memgeo';

function randomPoint(rng: Rng, n: number, k: number): Float64Array {
  return stiefelRetract(new Float64Array(n * k), rng.fillNormal(new Float64Array(n * k)), n, k);
}

test('the analytic gradient of the centre-correlation cost matches finite differences', () => {
  const rng = new Rng(1);
  const P = 9;
  const d = 8;
  const X = rng.fillNormal(new Float64Array(P * d));
  for (const K of [1, 3]) {
    const prob = centerCorrelationCost(X, P, d, K);
    const v = randomPoint(rng, d, K);
    const g = new Float64Array(d * K);
    const f = prob.costAndGrad(v, g);
    assert.ok(Math.abs(f - prob.cost(v)) < 1e-10 * Math.abs(f), 'cost and costAndGrad agree');
    for (let i = 0; i < d * K; i++) {
      const h = 1e-6;
      const vp = Float64Array.from(v);
      const vm = Float64Array.from(v);
      vp[i] += h;
      vm[i] -= h;
      const fd = (prob.cost(vp) - prob.cost(vm)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) < 1e-5 * Math.max(1, Math.abs(g[i])), `K=${K} component ${i}: ${fd} vs ${g[i]}`);
    }
  }
});

test('cost is ½(P + Σ_{m≠n} cos²) of the residual centres', () => {
  const rng = new Rng(2);
  const P = 5;
  const d = 4;
  const X = rng.fillNormal(new Float64Array(P * d));
  const v = randomPoint(rng, d, 1);
  const res = Float64Array.from(X);
  for (let m = 0; m < P; m++) {
    let c = 0;
    for (let i = 0; i < d; i++) c += X[m * d + i] * v[i];
    for (let i = 0; i < d; i++) res[m * d + i] -= c * v[i];
  }
  let s = 0;
  for (let m = 0; m < P; m++)
    for (let n = 0; n < P; n++) {
      if (m === n) continue;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let i = 0; i < d; i++) {
        ab += res[m * d + i] * res[n * d + i];
        aa += res[m * d + i] ** 2;
        bb += res[n * d + i] ** 2;
      }
      s += (ab * ab) / (aa * bb);
    }
  assert.ok(Math.abs(centerCorrelationCost(X, P, d, 1).cost(v) - (P + s) / 2) < 1e-10);
});

test('retraction stays on the manifold; CG lowers the cost and stops on the gradient norm', () => {
  const rng = new Rng(4);
  const n = 7;
  const k = 2;
  const x = randomPoint(rng, n, k);
  const g = rng.fillNormal(new Float64Array(n * k));
  const tg = new Float64Array(n * k);
  stiefelProject(x, g, n, k, tg);
  const y = stiefelRetract(x, tg, n, k, 0.3);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i * k + a] * y[i * k + b];
      assert.ok(Math.abs(s - (a === b ? 1 : 0)) < 1e-12);
    }
  // Tangent vectors at x satisfy xᵀt + tᵀx = 0.
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * k + a] * tg[i * k + b] + tg[i * k + a] * x[i * k + b];
      assert.ok(Math.abs(s) < 1e-12);
    }
  const P = 12;
  const d = 11;
  const X = rng.fillNormal(new Float64Array(P * d));
  const prob = centerCorrelationCost(X, P, d, 1);
  const x0 = randomPoint(rng, d, 1);
  const r = stiefelConjugateGradient(prob, x0);
  assert.ok(r.cost < prob.cost(x0));
  assert.equal(r.stopReason, 'gradNorm');
  assert.ok(r.gradNorm < 1e-6);
});

test('the linear-image line search (Cholesky-QR retraction, cached rows) follows the plain QR-retraction path', () => {
  const rng = new Rng(8);
  const P = 15;
  const d = 14;
  const X = rng.fillNormal(new Float64Array(P * d));
  for (const K of [1, 3]) {
    const fast = centerCorrelationCost(X, P, d, K);
    const plain = centerCorrelationCost(X, P, d, K);
    delete (plain as { line?: unknown }).line;
    const x0 = randomPoint(rng, d, K);
    for (const maxIterations of [5, 20]) {
      const a = stiefelConjugateGradient(fast, x0, { maxIterations });
      const b = stiefelConjugateGradient(plain, x0, { maxIterations });
      assert.equal(a.iterations, b.iterations);
      assert.ok(Math.abs(a.cost - b.cost) < 1e-9 * b.cost, `K=${K} after ${maxIterations}: ${a.cost} vs ${b.cost}`);
      for (let i = 0; i < d * K; i++) assert.ok(Math.abs(a.x[i] - b.x[i]) < 1e-7);
    }
  }
});

test('the centre-correlation CG inside the SIMD kernels (minimize) follows stiefelConjugateGradient', () => {
  const rng = new Rng(21);
  const P = 40;
  const d = 39;
  // Lower-triangular coordinates, as the centre geometry gives them (the kernels skip the zero half).
  const X = rng.fillNormal(new Float64Array(P * d));
  for (let m = 0; m < P; m++) for (let i = m + 1; i < d; i++) X[m * d + i] = 0;
  for (const K of [1, 2, 4]) {
    const prob = centerCorrelationCost(X, P, d, K);
    const x0 = randomPoint(rng, d, K);
    // Bounded runs: over hundreds of iterations the two paths drift apart like any float change (the
    // kernels sum in another order, and a line-search tie can then flip).
    for (const options of [{ maxIterations: 7 }, { maxIterations: 40 }, { maxIterations: 120 }]) {
      const js = stiefelConjugateGradient(prob, x0, options);
      const wasm = prob.minimize(x0, options);
      assert.equal(wasm.iterations, js.iterations, `K=${K} ${JSON.stringify(options)}: iterations`);
      assert.equal(wasm.stopReason, js.stopReason);
      assert.equal(wasm.costEvaluations, js.costEvaluations);
      assert.ok(Math.abs(wasm.cost - js.cost) < 1e-9 * js.cost, `K=${K}: ${wasm.cost} vs ${js.cost}`);
      for (let i = 0; i < d * K; i++) assert.ok(Math.abs(wasm.x[i] - js.x[i]) < 1e-6, `K=${K} x[${i}]: ${wasm.x[i]} vs ${js.x[i]}`);
      // The problem stays usable from TypeScript after the kernel ran on its arrays.
      assert.ok(Math.abs(prob.cost(wasm.x) - wasm.cost) < 1e-9 * wasm.cost);
    }
  }
});
