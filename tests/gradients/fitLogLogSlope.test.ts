import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLogLogSlope, InputError, Rng } from 'memgeo';

/** ‖Σ_{i<n} v_i‖ for nested prefixes of one sequence of random vectors v_i = mu + noise. */
function summedNorms(mu: number, noise: number, dim: number, ns: number[], draws: number, seed: number): { ns: number[]; norms: number[] } {
  const outN: number[] = [];
  const outNorm: number[] = [];
  for (let d = 0; d < draws; d++) {
    const rng = Rng.derive(seed, 'draw', d);
    const dir = new Float64Array(dim).fill(1 / Math.sqrt(dim));
    const sum = new Float64Array(dim);
    let done = 0;
    for (const n of ns) {
      for (; done < n; done++) for (let j = 0; j < dim; j++) sum[j] += mu * dir[j] + noise * rng.normal();
      outN.push(n);
      outNorm.push(Math.sqrt(sum.reduce((a, v) => a + v * v, 0)));
    }
  }
  return { ns: outN, norms: outNorm };
}

const NS = [8, 16, 32, 64, 128, 256, 512];

test('an exact power law gives its exponent with R² = 1', () => {
  const fit = fitLogLogSlope(
    NS,
    NS.map((n) => 3 * n ** 0.7),
  );
  assert.ok(Math.abs(fit.slope - 0.7) < 1e-12);
  assert.ok(Math.abs(fit.intercept - Math.log(3)) < 1e-12);
  assert.ok(Math.abs(fit.rSquared - 1) < 1e-12);
  assert.equal(fit.count, NS.length);
});

test('coherent vectors (shared direction, small noise) give slope 1; independent mean-zero vectors give 1/2', () => {
  const coherent = summedNorms(1, 0.05, 50, NS, 5, 1);
  const c = fitLogLogSlope(coherent.ns, coherent.norms);
  assert.ok(Math.abs(c.slope - 1) < 0.02, `coherent slope ${c.slope}`);
  const incoherent = summedNorms(0, 1, 50, NS, 5, 2);
  const i = fitLogLogSlope(incoherent.ns, incoherent.norms);
  assert.ok(Math.abs(i.slope - 0.5) < 0.05, `incoherent slope ${i.slope}`);
  assert.ok(i.slopeStdError > 0 && i.slopeStdError < 0.05);
  // A weak shared direction shows between the two over this range of n (a crossover, not a power law).
  const mixed = summedNorms(1, 1, 50, NS, 5, 3);
  const m = fitLogLogSlope(mixed.ns, mixed.norms);
  assert.ok(m.slope > i.slope + 0.05 && m.slope < c.slope - 0.05, `mixed slope ${m.slope}`);
});

test('non-positive norms are skipped; too few points or mismatched lengths are refused', () => {
  assert.equal(fitLogLogSlope([1, 2, 4, 8], [0, 2, 4, NaN]).count, 2);
  assert.throws(() => fitLogLogSlope([1, 2], [1]), InputError);
  assert.throws(() => fitLogLogSlope([4, 4, 4], [1, 2, 3]), /two or more distinct n/);
});
