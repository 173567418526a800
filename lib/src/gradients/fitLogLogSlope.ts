import { InputError } from '../errors';

export interface LogLogFit {
  /** Exponent a of norm ≈ b·n^a: least-squares slope of log(norm) on log(n). */
  slope: number;
  /** log(b). */
  intercept: number;
  /** Coefficient of determination of the log–log fit. */
  rSquared: number;
  /** Standard error of the slope (NaN with fewer than 3 points). */
  slopeStdError: number;
  /** Points used (pairs with n > 0 and a finite norm > 0). */
  count: number;
}

/**
 * Fit norm ≈ b·n^a by ordinary least squares on (log n, log norm), one point per observation (e.g.
 * every draw at every n). The scaling check of docs/paper.md §6: a slope near 1 means the per-example
 * gradients add coherently, near 1/2 that they add like independent random vectors.
 */
export function fitLogLogSlope(ns: ArrayLike<number>, norms: ArrayLike<number>): LogLogFit {
  if (ns.length !== norms.length) throw new InputError(`fitLogLogSlope: ${ns.length} n values but ${norms.length} norms`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < ns.length; i++) {
    if (ns[i] > 0 && norms[i] > 0 && Number.isFinite(norms[i]) && Number.isFinite(ns[i])) {
      xs.push(Math.log(ns[i]));
      ys.push(Math.log(norms[i]));
    }
  }
  const m = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / m;
  const my = ys.reduce((a, b) => a + b, 0) / m;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < m; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
    syy += (ys[i] - my) ** 2;
  }
  if (m < 2 || !(sxx > 0)) throw new InputError(`fitLogLogSlope: need positive norms at two or more distinct n (got ${m} usable points)`);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = Math.max(0, syy - slope * sxy);
  const rSquared = syy > 0 ? 1 - sse / syy : 1;
  const slopeStdError = m > 2 ? Math.sqrt(sse / (m - 2) / sxx) : NaN;
  return { slope, intercept, rSquared, slopeStdError, count: m };
}
