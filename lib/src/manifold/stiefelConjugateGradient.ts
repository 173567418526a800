import { applyQ, householderQrInPlace } from './householderQr';

/**
 * Riemannian conjugate gradient on the Stiefel manifold St(n, k) = {X ∈ ℝ^{n×k} : XᵀX = I}, as
 * pymanopt 0.2.4's `ConjugateGradient()` runs it with its defaults (mftma.md §0), which is what the
 * reference's centre-correlation step actually executes (its own options are ignored):
 *  - β: Hestenes–Stiefel, clipped at 0; a non-descent direction is reset to −grad;
 *  - line search: pymanopt's `LineSearchAdaptive` (contraction 0.5, sufficient decrease 0.5, at most
 *    10 backtracks, first trial 1/‖d‖, then the previous α — doubled unless exactly one backtrack
 *    happened), fresh for every solve;
 *  - retraction: QR of X + G with the signs fixed so that diag(R) ≥ 0; vector transport: projection
 *    onto the new tangent space; Riemannian gradient: tangent projection of the Euclidean gradient;
 *  - stop: ‖grad‖ < 1e-6, step < 1e-10, 1000 iterations (pymanopt stops when iter + 1 ≥ maxiter), or time.
 *
 * Matrices are row-major n × k Float64Arrays.
 */
export interface StiefelCgOptions {
  /** @default 1000 (pymanopt `maxiter`) */
  maxIterations: number;
  /** @default 1e-6 (pymanopt `mingradnorm`) */
  minGradNorm: number;
  /** @default 1e-10 (pymanopt `minstepsize`) */
  minStepSize: number;
  /** @default 1000 (pymanopt `maxtime`, seconds) */
  maxTimeSeconds: number;
}

export const PYMANOPT_CG_DEFAULTS: StiefelCgOptions = { maxIterations: 1000, minGradNorm: 1e-6, minStepSize: 1e-10, maxTimeSeconds: 1000 };

export type StiefelCgStopReason = 'gradNorm' | 'stepSize' | 'maxIterations' | 'maxTime';

export interface StiefelCgResult {
  x: Float64Array;
  cost: number;
  gradNorm: number;
  iterations: number;
  costEvaluations: number;
  stopReason: StiefelCgStopReason;
}

/** A smooth cost on St(n, k): `cost(x)` and `costAndGrad(x, egrad)` (Euclidean gradient written into egrad). */
export interface StiefelProblem {
  n: number;
  k: number;
  cost(x: Float64Array): number;
  costAndGrad(x: Float64Array, egrad: Float64Array): number;
}

function inner(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** out = U − X·sym(XᵀU): projection onto the tangent space at X (pymanopt Stiefel.proj). */
export function stiefelProject(x: Float64Array, u: Float64Array, n: number, k: number, out: Float64Array): void {
  const xtu = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * k + a] * u[i * k + b];
      xtu[a * k + b] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let a = 0; a < k; a++) s += x[i * k + a] * 0.5 * (xtu[a * k + b] + xtu[b * k + a]);
      out[i * k + b] = u[i * k + b] - s;
    }
  }
}

/** QR retraction with diag(R) ≥ 0 (pymanopt Stiefel.retr): returns the Q factor of X + G. */
export function stiefelRetract(x: Float64Array, g: Float64Array, n: number, k: number, scale = 1): Float64Array {
  const a = new Float64Array(n * k); // column-major for the QR
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) a[j * n + i] = x[i * k + j] + scale * g[i * k + j];
  return qFactorRowMajor(a, n, k, true);
}

/**
 * Thin Q of a column-major n × k matrix, row-major n × k. With `positiveDiagonal`, columns are
 * flipped so that diag(R) ≥ 0 (the retraction); without, LAPACK's own signs (numpy.linalg.qr, used by
 * pymanopt's Stiefel.rand).
 */
export function qFactorRowMajor(colMajor: Float64Array, n: number, k: number, positiveDiagonal: boolean): Float64Array {
  const f = householderQrInPlace(colMajor, n, k);
  const q = new Float64Array(n * k);
  const y = new Float64Array(n);
  for (let c = 0; c < k; c++) {
    y.fill(0);
    y[c] = 1;
    applyQ(f, y);
    const sign = positiveDiagonal && f.qr[c * n + c] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) q[i * k + c] = sign * y[i];
  }
  return q;
}

/** Run Riemannian CG from x0 (a point of St(n, k)). */
export function stiefelConjugateGradient(problem: StiefelProblem, x0: Float64Array, options: Partial<StiefelCgOptions> = {}): StiefelCgResult {
  const opt = { ...PYMANOPT_CG_DEFAULTS, ...options };
  const { n, k } = problem;
  const size = n * k;
  const t0 = Date.now();
  let x: Float64Array = Float64Array.from(x0);
  const egrad = new Float64Array(size);
  let grad: Float64Array = new Float64Array(size);
  let cost = problem.costAndGrad(x, egrad);
  let costEvaluations = 1;
  stiefelProject(x, egrad, n, k, grad);
  let gradNorm = Math.sqrt(inner(grad, grad));
  let gradPgrad = gradNorm * gradNorm;
  let desc = new Float64Array(size);
  for (let i = 0; i < size; i++) desc[i] = -grad[i];
  let iter = 0;
  let stepSize = NaN;
  let oldAlpha: number | null = null; // LineSearchAdaptive state, fresh per solve
  const newGrad = new Float64Array(size);
  const oldGradT = new Float64Array(size);
  const descT = new Float64Array(size);
  let stopReason: StiefelCgStopReason;
  for (;;) {
    if ((Date.now() - t0) / 1000 >= opt.maxTimeSeconds) {
      stopReason = 'maxTime';
      break;
    }
    if (gradNorm < opt.minGradNorm) {
      stopReason = 'gradNorm';
      break;
    }
    if (stepSize < opt.minStepSize) {
      stopReason = 'stepSize';
      break;
    }
    if (iter + 1 >= opt.maxIterations) {
      stopReason = 'maxIterations';
      break;
    }
    let df0 = inner(grad, desc);
    if (df0 >= 0) {
      for (let i = 0; i < size; i++) desc[i] = -grad[i];
      df0 = -gradPgrad;
    }
    // LineSearchAdaptive.search
    const normD = Math.sqrt(inner(desc, desc));
    let alpha: number = oldAlpha !== null ? oldAlpha : 1 / normD;
    let newX = stiefelRetract(x, desc, n, k, alpha);
    let newF = problem.cost(newX);
    costEvaluations++;
    let evals = 1;
    while (newF > cost + 0.5 * alpha * df0 && evals <= 10) {
      alpha *= 0.5;
      newX = stiefelRetract(x, desc, n, k, alpha);
      newF = problem.cost(newX);
      costEvaluations++;
      evals++;
    }
    if (newF > cost) {
      alpha = 0;
      newX = x;
    }
    stepSize = alpha * normD;
    oldAlpha = evals === 2 ? alpha : 2 * alpha;
    // New cost, gradient and the Hestenes–Stiefel direction.
    const newCost = problem.costAndGrad(newX, egrad);
    costEvaluations++;
    stiefelProject(newX, egrad, n, k, newGrad);
    const newGradNorm = Math.sqrt(inner(newGrad, newGrad));
    const newGradPgrad = newGradNorm * newGradNorm;
    stiefelProject(newX, grad, n, k, oldGradT);
    stiefelProject(newX, desc, n, k, descT);
    let ipDiff = 0;
    let denom = 0;
    for (let i = 0; i < size; i++) {
      const diff = newGrad[i] - oldGradT[i];
      ipDiff += newGrad[i] * diff;
      denom += diff * descT[i];
    }
    let beta = Math.max(0, ipDiff / denom);
    if (!Number.isFinite(beta)) beta = 0; // numpy would give inf/nan here; a restart is the sane reading
    for (let i = 0; i < size; i++) desc[i] = -newGrad[i] + beta * descT[i];
    x = newX;
    cost = newCost;
    grad = Float64Array.from(newGrad);
    gradNorm = newGradNorm;
    gradPgrad = newGradPgrad;
    iter++;
  }
  return { x, cost, gradNorm, iterations: iter, costEvaluations, stopReason };
}
