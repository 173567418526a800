import { applyQ, householderQrInPlace } from './householderQr';

/** Options of `stiefelConjugateGradient` (the defaults are pymanopt's). */
export interface StiefelCgOptions {
  /** @default 1000 (pymanopt `maxiter`) */
  maxIterations: number;
  /** @default 1e-6 (pymanopt `mingradnorm`) */
  minGradNorm: number;
  /** @default 1e-10 (pymanopt `minstepsize`) */
  minStepSize: number;
  /** @default 1000 (pymanopt `maxtime`, seconds) */
  maxTimeSeconds: number;
  /** Halvings the adaptive line search may try before it rejects the step. @default 10 (pymanopt's
   * LineSearchAdaptive `maxiter`); stable mode allows more, see sharedCenterSubspace. */
  maxBacktracks: number;
}

export const PYMANOPT_CG_DEFAULTS: StiefelCgOptions = {
  maxIterations: 1000,
  minGradNorm: 1e-6,
  minStepSize: 1e-10,
  maxTimeSeconds: 1000,
  maxBacktracks: 10,
};

/** 'nonFinite': the cost became NaN/Inf (e.g. a residual centre vanished: 0/0). pymanopt would keep
 * iterating on NaN until maxiter; the result is unusable either way, so CG stops at once. */
export type StiefelCgStopReason = 'gradNorm' | 'stepSize' | 'maxIterations' | 'maxTime' | 'nonFinite';

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
  /**
   * Optional fast path for the line search, for costs that depend on x only through a linear image
   * c = L x (n → m rows, k columns): `begin(x, d)` stores L x and L d; `costAt(alpha, rInv)` returns
   * the cost at (x + αd)·R⁻¹, whose image is (Lx + αLd)·R⁻¹.
   */
  line?: {
    begin(x: Float64Array, d: Float64Array): void;
    costAt(alpha: number, rInv: Float64Array): number;
    /** Called with the accepted point when the last costAt was evaluated at it (lets the problem reuse its image). */
    accept?(x: Float64Array): void;
  };
}

/**
 * The QR retraction of a step: qf(x + αd) with diag(R) > 0 equals (x + αd)·R⁻¹ where R is the
 * Cholesky factor of (x + αd)ᵀ(x + αd) = xᵀx + α(xᵀd + dᵀx) + α²dᵀd (Cholesky QR; the Gram is
 * ≈ I + α²dᵀd for a tangent d, so it is well conditioned). Returns R⁻¹ (upper triangular,
 * row-major k × k) or null if the Gram is not positive definite.
 */
function retractionRInv(
  xtx: Float64Array,
  xtd: Float64Array,
  dtd: Float64Array,
  k: number,
  alpha: number,
  ws: RetractionWorkspace,
): Float64Array | null {
  const { g, r, inv } = ws;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) g[a * k + b] = xtx[a * k + b] + alpha * (xtd[a * k + b] + xtd[b * k + a]) + alpha * alpha * dtd[a * k + b];
  // Upper Cholesky factor R (RᵀR = g), as upperCholesky computes it, without allocating. Kept inline
  // on purpose: calling upperCholesky with an output buffer made the whole CG iteration ~20% slower.
  r.fill(0);
  for (let j = 0; j < k; j++) {
    let v = g[j * k + j];
    for (let i = 0; i < j; i++) v -= r[i * k + j] * r[i * k + j];
    if (!(v > 0)) return null;
    const rjj = Math.sqrt(v);
    r[j * k + j] = rjj;
    for (let c = j + 1; c < k; c++) {
      let w = g[j * k + c];
      for (let i = 0; i < j; i++) w -= r[i * k + j] * r[i * k + c];
      r[j * k + c] = w / rjj;
    }
  }
  inv.fill(0);
  for (let j = k - 1; j >= 0; j--) {
    inv[j * k + j] = 1 / r[j * k + j];
    for (let c = j + 1; c < k; c++) {
      let w = 0;
      for (let i = j + 1; i <= c; i++) w += r[j * k + i] * inv[i * k + c];
      inv[j * k + c] = -w / r[j * k + j];
    }
  }
  return inv;
}

interface RetractionWorkspace {
  g: Float64Array;
  r: Float64Array;
  inv: Float64Array;
}

/** out = (x + αd)·rInv (n × k). */
function applyStep(x: Float64Array, d: Float64Array, n: number, k: number, alpha: number, rInv: Float64Array): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = 0; a <= c; a++) s += (x[i * k + a] + alpha * d[i * k + a]) * rInv[a * k + c];
      out[i * k + c] = s;
    }
  }
  return out;
}

function gramOf(a: Float64Array, b: Float64Array, n: number, k: number, g: Float64Array): Float64Array {
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i * k + p] * b[i * k + q];
      g[p * k + q] = s;
    }
  }
  return g;
}

function inner(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** out = U − X·sym(XᵀU): projection onto the tangent space at X (pymanopt Stiefel.proj). */
export function stiefelProject(
  x: Float64Array,
  u: Float64Array,
  n: number,
  k: number,
  out: Float64Array,
  xtu = new Float64Array(k * k),
): void {
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

/**
 * Riemannian conjugate gradient from x0 on the Stiefel manifold St(n, k) = {X ∈ ℝ^{n×k} : XᵀX = I}, as
 * pymanopt 0.2.4's `ConjugateGradient()` runs it with its defaults (docs/mftma.md §0), which is what the
 * reference's centre-correlation step actually executes (its own options are ignored):
 *  - β: Hestenes–Stiefel, clipped at 0; a non-descent direction is reset to −grad;
 *  - line search: pymanopt's `LineSearchAdaptive` (contraction 0.5, sufficient decrease 0.5, at most
 *    10 backtracks, first trial 1/‖d‖, then the previous α — doubled unless exactly one backtrack
 *    happened), fresh for every solve;
 *  - retraction: QR of X + G with the signs fixed so that diag(R) ≥ 0 (computed as Cholesky QR when
 *    the problem offers a linear-image line search; the same map, see retractionRInv); vector transport: projection
 *    onto the new tangent space; Riemannian gradient: tangent projection of the Euclidean gradient;
 *  - stop: ‖grad‖ < 1e-6, step < 1e-10, 1000 iterations (pymanopt stops when iter + 1 ≥ maxiter), or time.
 *
 * Matrices are row-major n × k Float64Arrays.
 */
export function stiefelConjugateGradient(
  problem: StiefelProblem,
  x0: Float64Array,
  options: Partial<StiefelCgOptions> = {},
): StiefelCgResult {
  const opt = { ...PYMANOPT_CG_DEFAULTS, ...options };
  const { n, k } = problem;
  const size = n * k;
  const t0 = Date.now();
  let x: Float64Array = Float64Array.from(x0);
  const egrad = new Float64Array(size);
  let grad: Float64Array = new Float64Array(size);
  let cost = problem.costAndGrad(x, egrad);
  let costEvaluations = 1;
  stiefelProject(x, egrad, n, k, grad, new Float64Array(k * k));
  let gradNorm = Math.sqrt(inner(grad, grad));
  let gradPgrad = gradNorm * gradNorm;
  const desc = new Float64Array(size);
  for (let i = 0; i < size; i++) desc[i] = -grad[i];
  let iter = 0;
  let stepSize = NaN;
  let oldAlpha: number | null = null; // LineSearchAdaptive state, fresh per solve
  let newGrad: Float64Array = new Float64Array(size);
  const oldGradT = new Float64Array(size);
  const descT = new Float64Array(size);
  // Workspaces reused by every iteration (the loop allocates only the new point).
  const kk = new Float64Array(k * k);
  const xtx = new Float64Array(k * k);
  const xtd = new Float64Array(k * k);
  const dtd = new Float64Array(k * k);
  const ws: RetractionWorkspace = { g: new Float64Array(k * k), r: new Float64Array(k * k), inv: new Float64Array(k * k) };
  let stopReason: StiefelCgStopReason;
  for (;;) {
    if (!Number.isFinite(cost) || !Number.isFinite(gradNorm)) {
      stopReason = 'nonFinite';
      break;
    }
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
    // LineSearchAdaptive.search. With problem.line, trial points are costed from the linear image
    // and K × K algebra; the retraction is formed only for the accepted step.
    const normD = Math.sqrt(inner(desc, desc));
    let alpha: number = oldAlpha !== null ? oldAlpha : 1 / normD;
    const fast = problem.line;
    let rInv: Float64Array | null = null;
    if (fast) {
      fast.begin(x, desc);
      gramOf(x, x, n, k, xtx);
      gramOf(x, desc, n, k, xtd);
      gramOf(desc, desc, n, k, dtd);
    }
    const trial = (a: number): number => {
      if (fast) {
        rInv = retractionRInv(xtx, xtd, dtd, k, a, ws);
        if (rInv) return fast.costAt(a, rInv);
      }
      rInv = null;
      return problem.cost(stiefelRetract(x, desc, n, k, a));
    };
    let newF = trial(alpha);
    costEvaluations++;
    let evals = 1;
    while (newF > cost + 0.5 * alpha * df0 && evals <= opt.maxBacktracks) {
      alpha *= 0.5;
      newF = trial(alpha);
      costEvaluations++;
      evals++;
    }
    let newX: Float64Array;
    if (newF > cost) {
      alpha = 0;
      newX = x;
    } else {
      if (rInv) {
        newX = applyStep(x, desc, n, k, alpha, rInv);
        fast?.accept?.(newX);
      } else newX = stiefelRetract(x, desc, n, k, alpha);
    }
    stepSize = alpha * normD;
    oldAlpha = evals === 2 ? alpha : 2 * alpha;
    // New cost, gradient and the Hestenes–Stiefel direction.
    const newCost = problem.costAndGrad(newX, egrad);
    costEvaluations++;
    stiefelProject(newX, egrad, n, k, newGrad, kk);
    const newGradNorm = Math.sqrt(inner(newGrad, newGrad));
    const newGradPgrad = newGradNorm * newGradNorm;
    stiefelProject(newX, grad, n, k, oldGradT, kk);
    stiefelProject(newX, desc, n, k, descT, kk);
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
    const swap = grad; // the old gradient is not needed any more: reuse its buffer
    grad = newGrad;
    newGrad = swap;
    gradNorm = newGradNorm;
    gradPgrad = newGradPgrad;
    iter++;
  }
  return { x, cost, gradNorm, iterations: iter, costEvaluations, stopReason };
}
