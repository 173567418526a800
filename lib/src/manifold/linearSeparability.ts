import { NnlsSolver } from './nnls';
import { gramOfRows } from './gramOfRows';

/** The answer of `LinearSeparability` for one labelling of the points. */
export interface SeparabilityResult {
  separable: boolean;
  /** γ = 1 − Σλ: > 0 iff separable (up to rounding). */
  gamma: number;
  /** min_j y_j (w·z_j + b) for the certificate u (positive iff the check passed). */
  minMargin: number;
  /** γ > 0 but the certificate failed the exact sign check (counted as not separable). */
  ambiguous: boolean;
  nnlsIterations: number;
}

/**
 * Exact test of linear separability with a bias: is there (w, b) with y_j (w·z_j + b) > 0 for every
 * point? (The reference's simulated capacity asks the same of a hard-margin SVM in cvxopt,
 * docs/mftma.md §6.)
 *
 * Method (Gordan's alternative): with a_j = y_j (z_j, 1), either some u has a_jᵀu > 0 for all j
 * (separable), or 0 is a convex combination of the a_j (not separable). Solve the NNLS
 *   min_{λ ≥ 0} ‖Aλ‖² + (1 − 1ᵀλ)²
 * by Lawson–Hanson (finite, exact up to rounding). Its KKT conditions give a_jᵀ(Aλ) ≥ 1 − 1ᵀλ =: γ ≥ 0
 * for every j, and ‖Aλ‖² = (1ᵀλ)·γ; so γ > 0 makes u = Aλ a separating direction with margin γ, and
 * γ = 0 means Aλ = 0 with 1ᵀλ = 1, a certificate that the classes' convex hulls meet. The answer
 * "separable" is only given after checking sign(w·z_j + b) = y_j for every point with u, as the
 * reference does with its SVM solution; so it is never a perceptron-style "ran out of steps".
 */
export class LinearSeparability {
  private solver: NnlsSolver | null = null;
  private cap = { rows: 0, cols: 0 };

  /**
   * @param points  T × n, sample-major.
   * @param labels  T labels, each +1 or −1.
   */
  test(points: Float64Array, T: number, n: number, labels: ArrayLike<number>): SeparabilityResult {
    const rows = n + 2;
    // Scale the points to unit RMS so the bias column and the convexity row are on the data's scale.
    let ss = 0;
    for (let i = 0; i < T * n; i++) ss += points[i] * points[i];
    const scale = ss > 0 ? 1 / Math.sqrt(ss / T) : 1;
    const a = new Float64Array(rows * T); // column j = (y_j z_j, y_j, 1)
    for (let j = 0; j < T; j++) {
      const y = labels[j];
      const o = j * rows;
      for (let i = 0; i < n; i++) a[o + i] = y * points[j * n + i] * scale;
      a[o + n] = y;
      a[o + n + 1] = 1;
    }
    const gram = gramOfRows(a, T, rows);
    if (!this.solver || this.cap.rows < rows || this.cap.cols < T) {
      this.cap = { rows: Math.max(rows, this.cap.rows), cols: Math.max(T, this.cap.cols) };
      this.solver = new NnlsSolver(this.cap.rows, this.cap.cols);
    }
    const target = new Float64Array(rows);
    target[n + 1] = 1;
    const lambda = new Float64Array(T);
    const res = this.solver.solve(a, rows, T, gram, target, lambda);
    let sumL = 0;
    const u = new Float64Array(n + 1);
    for (let j = 0; j < T; j++) {
      const l = lambda[j];
      if (l === 0) continue;
      sumL += l;
      for (let i = 0; i <= n; i++) u[i] += l * a[j * rows + i];
    }
    const gamma = 1 - sumL;
    let minMargin = Infinity;
    for (let j = 0; j < T; j++) {
      let s = 0;
      for (let i = 0; i <= n; i++) s += a[j * rows + i] * u[i];
      if (s < minMargin) minMargin = s;
    }
    const separable = gamma > 0 && minMargin > 0;
    const ambiguous = !separable && gamma > 1e-9;
    return { separable, gamma, minMargin, ambiguous, nnlsIterations: res.iterations };
  }
}
