import { InputError } from '../errors';
import { crossGram, type CrossGram, type FeatureRows } from './knn';

export interface LinearProbeOptions {
  numClasses: number;
  /** L2 penalty (λ/2)‖W‖² on the weights (not the bias), on features centred and scaled to unit mean squared norm. @default 1e-4 */
  lambda?: number;
  /** Full-batch accelerated gradient steps (a fixed number: no convergence test, same cost for every cell). @default 100 */
  iterations?: number;
  /** How to multiply by the centred Gram (default: `loopKernelProduct`). */
  kernelProduct?: (K: Float64Array, n: number) => KernelProduct;
}

/**
 * Products of the centred Gram K̃ (n × n) with C coefficient vectors, the inner loop of the fit:
 * `times(x, C, out)` sets out[i·C + c] = Σ_j K̃[i, j] x[c·n + j]. The default is a plain loop; a caller
 * with a faster matrix product (e.g. the tfjs backend in a worker) can supply its own.
 */
export interface KernelProduct {
  times(x: Float64Array, C: number, out: Float64Array): void;
  dispose(): void;
}

/** The plain-loop KernelProduct. */
export function loopKernelProduct(K: Float64Array, n: number): KernelProduct {
  return {
    times(x, C, out) {
      for (let i = 0; i < n; i++) {
        const oi = i * n;
        for (let c = 0; c < C; c++) {
          const oc = c * n;
          let s = 0;
          for (let j = 0; j < n; j++) s += K[oi + j] * x[oc + j];
          out[i * C + c] = s;
        }
      }
    },
    dispose() {},
  };
}

export const LINEAR_PROBE_DEFAULTS = { lambda: 1e-4, iterations: 100 };

export interface LinearProbeResult {
  /** Predicted class of each evaluated row. */
  predictions: Int32Array;
  /** Training accuracy on the fitted rows and the final objective (mean cross-entropy + penalty). */
  fitAccuracy: number;
  loss: number;
}

/**
 * Multinomial logistic regression (softmax, cross-entropy) on frozen features, fitted by Nesterov-
 * accelerated full-batch gradient descent from zero: the linear probe of a layer (Alain & Bengio 2016;
 * docs/paper.md on probes). The features are centred on the fitted rows' mean and scaled so that their
 * mean squared norm is 1, so one λ and one step rule fit every layer and epoch.
 *
 * It works on Gram matrices only (kernel form): started from W = 0, every gradient step stays in the
 * span of the fitted rows, W = X̃ᵀA, so the logits are K̃A + b with K̃ the centred Gram, and the update
 * of W, W ← W − η(X̃ᵀ(P − Y)/n + λW), is A ← A − η((P − Y)/n + λA). Each step then costs n²·C whatever
 * the number of features (a conv layer's thousands). The step is 1/L with L = ½λ_max(K̃)/n + λ (the
 * softmax cross-entropy's Hessian is at most ½ in the logits); the bias is fitted on a constant feature
 * of the same scale. Deterministic: no seed is needed (zero start, full batch).
 *
 * `fit` is the n × n Gram of the fitted rows with their squared norms; `evaluate` the m × n cross Gram
 * of the evaluated rows with the fitted rows.
 */
export function linearProbeFromGram(
  fitGram: Float64Array,
  n: number,
  fitLabels: ArrayLike<number>,
  evaluate: CrossGram,
  options: LinearProbeOptions,
): LinearProbeResult {
  const C = options.numClasses;
  const lambda = options.lambda ?? LINEAR_PROBE_DEFAULTS.lambda;
  const iterations = options.iterations ?? LINEAR_PROBE_DEFAULTS.iterations;
  if (fitGram.length !== n * n) throw new InputError(`linearProbe: a ${n} × ${n} Gram needs ${n * n} values, got ${fitGram.length}`);
  if (fitLabels.length !== n) throw new InputError(`linearProbe: ${fitLabels.length} labels for ${n} fitted rows`);
  if (evaluate.nFit !== n)
    throw new InputError(`linearProbe: the evaluated rows' cross Gram has ${evaluate.nFit} fitted columns, expected ${n}`);
  if (!(lambda >= 0 && Number.isFinite(lambda))) throw new InputError(`linearProbe: lambda must be a finite number ≥ 0, got ${lambda}`);
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new InputError(`linearProbe: iterations must be a positive integer, got ${iterations}`);
  if (!Number.isInteger(C) || C < 2) throw new InputError(`linearProbe: numClasses must be an integer ≥ 2, got ${C}`);
  if (n < 1) throw new InputError('linearProbe: no fitted rows');
  for (let i = 0; i < n; i++)
    if (!(Number.isInteger(fitLabels[i]) && fitLabels[i] >= 0 && fitLabels[i] < C))
      throw new InputError(`linearProbe: label ${fitLabels[i]} of fitted row ${i} is outside [0, ${C})`);
  const m = evaluate.nEval;

  // Centre on the fitted mean μ: K̃_ij = K_ij − ⟨x_i, μ⟩ − ⟨x_j, μ⟩ + ‖μ‖², and the same for the cross Gram.
  const rowMean = new Float64Array(n);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += fitGram[i * n + j];
    rowMean[i] = s / n;
    grand += s;
  }
  grand /= n * n;
  const K = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) K[i * n + j] = fitGram[i * n + j] - rowMean[i] - rowMean[j] + grand;
  for (let i = 0; i < n; i++) trace += K[i * n + i];
  const scale = trace / n > 0 ? n / trace : 0; // 1 / mean squared norm of the centred rows
  for (let t = 0; t < K.length; t++) K[t] *= scale;
  const E = new Float64Array(m * n);
  for (let e = 0; e < m; e++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += evaluate.cross[e * n + j];
    const em = s / n;
    for (let j = 0; j < n; j++) E[e * n + j] = (evaluate.cross[e * n + j] - em - rowMean[j] + grand) * scale;
  }

  // λ_max(K̃) by power iteration (K̃ is positive semidefinite).
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lmax = 0;
  const kv = new Float64Array(n);
  for (let it = 0; it < 50; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += K[i * n + j] * v[j];
      kv[i] = s;
    }
    const norm = Math.sqrt(kv.reduce((a, x) => a + x * x, 0));
    if (!(norm > 0)) break;
    const next = Float64Array.from(kv, (x) => x / norm);
    if (Math.abs(norm - lmax) <= 1e-6 * norm) {
      lmax = norm;
      v = next;
      break;
    }
    lmax = norm;
    v = next;
  }
  const featScale = lmax / n; // the squared "size" of the features, also that of the bias's constant feature
  const L = 0.5 * Math.max(featScale, 1e-12) + lambda;
  const eta = 1 / L;
  const c0 = Math.sqrt(Math.max(featScale, 1e-12)); // bias b = c0·β

  // Parameters A (C × n, class-major for contiguous dot products) and β (C); Z = K̃A (n × C) kept alongside.
  let A = new Float64Array(C * n);
  let Aprev = new Float64Array(C * n);
  let beta = new Float64Array(C);
  let betaPrev = new Float64Array(C);
  const Ylook = new Float64Array(C * n);
  const bLook = new Float64Array(C);
  const G = new Float64Array(C * n);
  const gb = new Float64Array(C);
  const zLook = new Float64Array(n * C);
  const prob = new Float64Array(C);
  const product = (options.kernelProduct ?? loopKernelProduct)(K, n);
  const KtimesClassMajor = (X: Float64Array, out: Float64Array) => product.times(X, C, out);
  let loss = NaN;
  for (let t = 1; t <= iterations; t++) {
    const mom = (t - 1) / (t + 2);
    for (let q = 0; q < C * n; q++) Ylook[q] = A[q] + mom * (A[q] - Aprev[q]);
    for (let c = 0; c < C; c++) bLook[c] = beta[c] + mom * (beta[c] - betaPrev[c]);
    KtimesClassMajor(Ylook, zLook);
    gb.fill(0);
    let ce = 0;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, zLook[i * C + c] + c0 * bLook[c]);
      let sum = 0;
      for (let c = 0; c < C; c++) sum += prob[c] = Math.exp(zLook[i * C + c] + c0 * bLook[c] - mx);
      const y = fitLabels[i];
      ce += -(zLook[i * C + y] + c0 * bLook[y] - mx - Math.log(sum));
      for (let c = 0; c < C; c++) {
        const r = (prob[c] / sum - (c === y ? 1 : 0)) / n;
        G[c * n + i] = r + lambda * Ylook[c * n + i];
        gb[c] += r * c0;
      }
    }
    loss = ce / n;
    Aprev = A;
    betaPrev = beta;
    A = new Float64Array(C * n);
    beta = new Float64Array(C);
    for (let q = 0; q < C * n; q++) A[q] = Ylook[q] - eta * G[q];
    for (let c = 0; c < C; c++) beta[c] = bLook[c] - eta * gb[c];
  }
  const predictRows = (Kr: Float64Array, rows: number): Int32Array => {
    const pred = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = -Infinity;
      for (let c = 0; c < C; c++) {
        let s = c0 * beta[c];
        for (let j = 0; j < n; j++) s += Kr[i * n + j] * A[c * n + j];
        if (s > best) {
          best = s;
          pred[i] = c;
        }
      }
    }
    return pred;
  };
  const fitPred = predictRows(K, n);
  let hit = 0;
  for (let i = 0; i < n; i++) if (fitPred[i] === fitLabels[i]) hit++;
  let penalty = 0; // (λ/2) tr(Aᵀ K̃ A)
  const KA = new Float64Array(n * C);
  KtimesClassMajor(A, KA);
  product.dispose();
  for (let c = 0; c < C; c++) for (let i = 0; i < n; i++) penalty += A[c * n + i] * KA[i * C + c];
  return { predictions: predictRows(E, m), fitAccuracy: hit / n, loss: loss + (lambda / 2) * penalty };
}

/**
 * The linear probe on feature rows: fitted on `fit`, evaluated on `evaluate` (a fit/eval split;
 * a probe evaluated on its own fitted rows would only say how many rows it can shatter).
 *
 * @example
 * linearProbe({ x: fitRows, labels: y }, { x: evalRows, labels: yEval }, { numClasses: 10 }).accuracy
 */
export function linearProbe(
  fit: { x: FeatureRows; labels: ArrayLike<number> },
  evaluate: { x: FeatureRows; labels: ArrayLike<number> },
  options: LinearProbeOptions,
): LinearProbeResult & { accuracy: number; nFit: number; nEval: number } {
  if (evaluate.labels.length !== evaluate.x.rows)
    throw new InputError(`linearProbe: ${evaluate.labels.length} labels for ${evaluate.x.rows} evaluated rows`);
  const self = crossGram(fit.x, fit.x);
  const r = linearProbeFromGram(self.cross, fit.x.rows, fit.labels, crossGram(evaluate.x, fit.x), options);
  let hit = 0;
  for (let i = 0; i < evaluate.x.rows; i++) if (r.predictions[i] === evaluate.labels[i]) hit++;
  return { ...r, accuracy: evaluate.x.rows ? hit / evaluate.x.rows : NaN, nFit: fit.x.rows, nEval: evaluate.x.rows };
}
