import { InputError } from '../errors';

/** Distance of the kNN probe: cosine (scale-free, the default) or Euclidean. */
export type KnnMetric = 'cosine' | 'euclidean';
export const KNN_METRICS: readonly KnnMetric[] = ['cosine', 'euclidean'];

/**
 * Inner products of the evaluated rows with the fitted rows, and the squared norms of both: all a kNN
 * probe (and the linear probe, `linearProbeFromGram`) needs, whatever the number of features.
 */
export interface CrossGram {
  /** nEval × nFit row-major: ⟨x_eval_i, x_fit_j⟩. */
  cross: Float64Array;
  nEval: number;
  nFit: number;
  /** ‖x_eval_i‖², ‖x_fit_j‖². */
  evalSq: Float64Array;
  fitSq: Float64Array;
}

/** Rows of a row-major float matrix: `rows` examples × `cols` features. */
export interface FeatureRows {
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
}

function checkRows(x: FeatureRows, name: string): void {
  if (!Number.isInteger(x.rows) || x.rows < 0 || !Number.isInteger(x.cols) || x.cols < 1)
    throw new InputError(`${name}: rows and cols must be non-negative integers (cols ≥ 1), got ${x.rows} × ${x.cols}`);
  if (x.data.length !== x.rows * x.cols) throw new InputError(`${name}: ${x.data.length} values for ${x.rows} × ${x.cols}`);
}

/** ⟨a_i, b_j⟩ for every pair (float64 accumulation), with the squared norms: a plain-loop Gram for small sets and tests. */
export function crossGram(a: FeatureRows, b: FeatureRows): CrossGram {
  checkRows(a, 'crossGram (eval rows)');
  checkRows(b, 'crossGram (fit rows)');
  if (a.cols !== b.cols) throw new InputError(`crossGram: eval rows have ${a.cols} features, fit rows ${b.cols}`);
  const d = a.cols;
  const cross = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    const oa = i * d;
    for (let j = 0; j < b.rows; j++) {
      const ob = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += a.data[oa + t] * b.data[ob + t];
      cross[i * b.rows + j] = s;
    }
  }
  const sq = (x: FeatureRows) => {
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x.data[i * d + t] ** 2;
      out[i] = s;
    }
    return out;
  };
  return { cross, nEval: a.rows, nFit: b.rows, evalSq: sq(a), fitSq: sq(b) };
}

export interface KnnOptions {
  /** Neighbours. @default 30 (Baldock et al. 2021) */
  k?: number;
  /** @default 'cosine' */
  metric?: KnnMetric;
  numClasses: number;
  /**
   * Leave-one-out: for evaluated row i, the fitted row `exclude[i]` (its own copy) is not a
   * neighbour (−1: none). Then at most nFit − 1 neighbours are available.
   */
  exclude?: Int32Array;
}

/** Checks k against the fitted set (k ≤ nFit, or nFit − 1 with leave-one-out) and the metric. */
export function checkKnn(k: number, nFit: number, metric: string, leaveOneOut: boolean): void {
  if (!KNN_METRICS.includes(metric as KnnMetric))
    throw new InputError(`unknown kNN metric '${metric}'; choose ${KNN_METRICS.join(' or ')}`);
  const most = leaveOneOut ? nFit - 1 : nFit;
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k (neighbours) must be a positive integer, got ${k}`);
  if (k > most)
    throw new InputError(
      `k = ${k} neighbours but the fitted set has only ${most} example(s)${leaveOneOut ? ' besides the one left out' : ''}; lower k or use more examples (M)`,
    );
}

/**
 * kNN predictions of the evaluated rows from the labels of the fitted rows (Baldock et al. 2021: the
 * probe of a layer's representation). Similarity is the cosine ⟨e, f⟩/(‖e‖‖f‖) (0 for a zero vector)
 * or minus the squared Euclidean distance ‖e‖² + ‖f‖² − 2⟨e, f⟩. The k most similar fitted rows vote;
 * a tie between classes goes to the tied class of the nearest neighbour, so predictions are
 * deterministic. Pure function over the Gram (`crossGram`, or blocks computed elsewhere).
 */
export function knnPredict(g: CrossGram, fitLabels: ArrayLike<number>, options: KnnOptions): Int32Array {
  const k = options.k ?? 30;
  const metric = options.metric ?? 'cosine';
  const { nEval, nFit, cross } = g;
  if (fitLabels.length !== nFit) throw new InputError(`knnPredict: ${fitLabels.length} labels for ${nFit} fitted rows`);
  if (options.exclude && options.exclude.length !== nEval)
    throw new InputError(`knnPredict: exclude has ${options.exclude.length} entries for ${nEval} evaluated rows`);
  checkKnn(k, nFit, metric, !!options.exclude);
  const C = options.numClasses;
  for (let j = 0; j < nFit; j++)
    if (!(Number.isInteger(fitLabels[j]) && fitLabels[j] >= 0 && fitLabels[j] < C))
      throw new InputError(`knnPredict: label ${fitLabels[j]} of fitted row ${j} is outside [0, ${C})`);
  const fitNorm = Float64Array.from(g.fitSq, Math.sqrt);
  const out = new Int32Array(nEval);
  const score = new Float64Array(nFit);
  const topIdx = new Int32Array(k);
  const topScore = new Float64Array(k);
  const votes = new Int32Array(C);
  for (let i = 0; i < nEval; i++) {
    const o = i * nFit;
    const en = Math.sqrt(g.evalSq[i]);
    for (let j = 0; j < nFit; j++) {
      if (metric === 'cosine') {
        const den = en * fitNorm[j];
        score[j] = den > 0 ? cross[o + j] / den : 0;
      } else score[j] = -(g.evalSq[i] + g.fitSq[j] - 2 * cross[o + j]);
    }
    const skip = options.exclude ? options.exclude[i] : -1;
    // The k best, kept sorted best first (insertion; k ≪ nFit). Equal scores keep the lower index first.
    let filled = 0;
    for (let j = 0; j < nFit; j++) {
      if (j === skip) continue;
      const s = score[j];
      if (filled === k && !(s > topScore[k - 1])) continue;
      let p = filled < k ? filled++ : k - 1;
      while (p > 0 && topScore[p - 1] < s) {
        topScore[p] = topScore[p - 1];
        topIdx[p] = topIdx[p - 1];
        p--;
      }
      topScore[p] = s;
      topIdx[p] = j;
    }
    votes.fill(0);
    let best = 0;
    for (let t = 0; t < k; t++) best = Math.max(best, ++votes[fitLabels[topIdx[t]]]);
    let pred = -1;
    for (let t = 0; t < k && pred < 0; t++) if (votes[fitLabels[topIdx[t]]] === best) pred = fitLabels[topIdx[t]];
    out[i] = pred;
  }
  return out;
}

/** Share of predictions equal to the labels (NaN for none). */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (pred.length !== labels.length) throw new InputError(`accuracy: ${pred.length} predictions for ${labels.length} labels`);
  let hit = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) hit++;
  return pred.length === 0 ? NaN : hit / pred.length;
}

/** The diagonal block `rows × rows` of a square Gram as a leave-one-out CrossGram (its exclude: i ↦ i). */
export function leaveOneOut(gram: Float64Array, n: number): { g: CrossGram; exclude: Int32Array } {
  if (gram.length !== n * n) throw new InputError(`leaveOneOut: a ${n} × ${n} Gram needs ${n * n} values, got ${gram.length}`);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = gram[i * n + i];
  return { g: { cross: gram, nEval: n, nFit: n, evalSq: sq, fitSq: sq }, exclude: Int32Array.from({ length: n }, (_, i) => i) };
}

/**
 * Accuracy of a kNN probe. With `evaluate` omitted it is leave-one-out on the fitted set (each
 * example classified by its k nearest *other* examples: n_fit = n − 1 per prediction, n_eval = n);
 * with `evaluate`, the fitted set predicts the evaluated rows (a fit/eval split).
 *
 * @example
 * knnProbe({ x: { data, rows: 500, cols: 64 }, labels }, undefined, { k: 30, numClasses: 10 }).accuracy
 */
export function knnProbe(
  fit: { x: FeatureRows; labels: ArrayLike<number> },
  evaluate: { x: FeatureRows; labels: ArrayLike<number> } | undefined,
  options: KnnOptions,
): { accuracy: number; predictions: Int32Array; nFit: number; nEval: number } {
  if (fit.labels.length !== fit.x.rows) throw new InputError(`knnProbe: ${fit.labels.length} labels for ${fit.x.rows} fitted rows`);
  if (evaluate && evaluate.labels.length !== evaluate.x.rows)
    throw new InputError(`knnProbe: ${evaluate.labels.length} labels for ${evaluate.x.rows} evaluated rows`);
  if (!evaluate) {
    const g = crossGram(fit.x, fit.x);
    const exclude = Int32Array.from({ length: fit.x.rows }, (_, i) => i);
    const predictions = knnPredict(g, fit.labels, { ...options, exclude });
    return { accuracy: accuracy(predictions, fit.labels), predictions, nFit: fit.x.rows - 1, nEval: fit.x.rows };
  }
  const predictions = knnPredict(crossGram(evaluate.x, fit.x), fit.labels, options);
  return { accuracy: accuracy(predictions, evaluate.labels), predictions, nFit: fit.x.rows, nEval: evaluate.x.rows };
}
