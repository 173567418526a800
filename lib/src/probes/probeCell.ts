import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/initBackend';
import { readNpy } from '../io/npy';
import { extractActivations, RandomProjections, type ActivationMatrix } from '../models/extractActivations';
import type { Model } from '../models/Model';
import { layerWidths } from '../geometry/geometryCell';
import { openRun, type Run } from '../train/runDir';
import { accuracy, knnPredict, type CrossGram } from './knn';
import type { ProbeSettings } from './probeSettings';
import { linearProbeFromGram, type KernelProduct } from './linearProbe';
import { predictionDepth } from './predictionDepth';

/** One manifold type's probe set, as positions into the epoch task's image file. */
export interface ProbeCellSet {
  kind: string;
  fit: Int32Array;
  fitLabels: Int32Array;
  eval: Int32Array;
  evalLabels: Int32Array;
}

/**
 * The probes of one checkpoint (a worker task of `probeRun`): every probed layer and manifold type,
 * and the prediction depth of the examples of `depth`. One task per epoch, because the prediction
 * depth of an example needs the kNN predictions of every layer at that epoch.
 */
export interface ProbeEpochInput extends Pick<ProbeSettings, 'k' | 'metric' | 'lambda' | 'iterations' | 'projectionDim' | 'seed'> {
  runDir: string;
  epoch: number;
  /** Probed analysis points in network order, with their indices (0 = input). */
  layers: string[];
  layerIndex: number[];
  /** The analysis point whose argmax is the network's output (the logits). */
  outputPoint: string;
  /** .npy (U, H, W, C) float32: every example any probe needs, once. */
  imagesFile: string;
  sets: ProbeCellSet[];
  /** kNN support set of the prediction depth (positions and the labels trained on), or null. */
  depth: { positions: Int32Array; labels: Int32Array } | null;
  numClasses: number;
  chunkSize: number;
}

export interface ProbeCellRow {
  layer: string;
  manifold: string;
  probe: 'knn' | 'knn_loo' | 'linear';
  k: number | null;
  accuracy: number;
  n_fit: number;
  n_eval: number;
}

export interface ProbeEpochOutput {
  rows: ProbeCellRow[];
  /** Prediction depth of each support example (as the layer index), and the network's predictions. */
  depth: Float64Array | null;
  network: Int32Array | null;
  seconds: number;
  /** Where the seconds went: forward passes, Gram matrices, kNN votes, linear probes. */
  timing: { extract: number; gram: number; knn: number; linear: number };
}

/** Activations kept per epoch task (floats, all layers): 256 MB; beyond it layers are extracted a few at a time. */
const ACTIVATION_BUDGET_FLOATS = 2 ** 26;

const projections = new RandomProjections();
const images = new Map<string, Float32Array>();
const runs = new Map<string, Run>();

/** ⟨x_a, x_b⟩ for rows `a` × rows `b` of X (float32 matMul on the backend, returned in float64). */
function gramBlock(X: tf.Tensor2D, a: Int32Array, b: Int32Array): Float64Array {
  const g = tf.tidy(() => {
    const xa = tf.gather(X, tf.tensor1d(a, 'int32'));
    const xb = a === b ? xa : tf.gather(X, tf.tensor1d(b, 'int32'));
    return tf.matMul(xa, xb, false, true);
  });
  const out = Float64Array.from(g.dataSync());
  g.dispose();
  return out;
}

function squaredNorms(X: tf.Tensor2D, a: Int32Array): Float64Array {
  const t = tf.tidy(() => tf.gather(X, tf.tensor1d(a, 'int32')).square().sum(1));
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** K̃ times C coefficient vectors on the tfjs backend (float32 matMul): the linear probe's inner loop, ~10x the plain loop. */
function backendKernelProduct(K: Float64Array, n: number): KernelProduct {
  const k = tf.tensor2d(Float32Array.from(K), [n, n]);
  return {
    times(x, C, out) {
      const y = tf.tidy(() => tf.matMul(k, tf.tensor2d(Float32Array.from(x), [C, n]), false, true));
      out.set(y.dataSync());
      y.dispose();
    },
    dispose() {
      k.dispose();
    },
  };
}

function diagonal(g: Float64Array, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => g[i * n + i]);
}

/** The square block rows [o, o + n) of an N × N Gram. */
function subBlock(g: Float64Array, N: number, o: number, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out.set(g.subarray((o + i) * N + o, (o + i) * N + o + n), i * n);
  return out;
}

function argmaxRows(a: ActivationMatrix, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (r) => {
    let best = 0;
    for (let c = 1; c < a.cols; c++) if (a.data[r * a.cols + c] > a.data[r * a.cols + best]) best = c;
    return best;
  });
}

/** Worker task: every probe of one epoch (see ProbeEpochInput). */
export async function probeEpoch(input: ProbeEpochInput): Promise<ProbeEpochOutput> {
  const t0 = performance.now();
  await initBackend();
  let run = runs.get(input.runDir);
  if (!run) {
    run = openRun(input.runDir);
    runs.set(input.runDir, run);
  }
  const model: Model = run.loadModelAt(input.epoch);
  try {
    let x = images.get(input.imagesFile);
    if (!x) {
      const arr = readNpy(input.imagesFile);
      x = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
      images.clear();
      images.set(input.imagesFile, x);
    }
    const [h, w, c] = model.inputShape;
    const U = x.length / (h * w * c);
    const widths = layerWidths(model, input.layers);
    // Layers in groups whose activations fit the budget: one forward pass per group.
    const groups: string[][] = [];
    let cur: string[] = [];
    let used = 0;
    for (const l of input.layers) {
      const f = U * Math.min(widths.get(l)!, input.projectionDim);
      if (cur.length > 0 && used + f > ACTIVATION_BUDGET_FLOATS) {
        groups.push(cur);
        cur = [];
        used = 0;
      }
      cur.push(l);
      used += f;
    }
    if (cur.length) groups.push(cur);

    const timing = { extract: 0, gram: 0, knn: 0, linear: 0 };
    let t = performance.now();
    const lap = (k: keyof typeof timing) => {
      const now = performance.now();
      timing[k] += (now - t) / 1000;
      t = now;
    };
    const rows: ProbeCellRow[] = [];
    const depthPreds: Int32Array[] = [];
    const depthSets = input.depth ? input.sets.filter((s) => s.kind === 'unpermuted' || s.kind === 'permuted') : [];
    let network: Int32Array | null = null;
    for (const group of groups) {
      t = performance.now();
      const acts = await extractActivations(model, x, group, {
        chunkSize: input.chunkSize,
        projectionDim: input.projectionDim,
        seed: input.seed,
        projections,
      });
      lap('extract');
      for (const layer of group) {
        const a = acts.get(layer)!;
        acts.delete(layer);
        const X = tf.tensor2d(a.data, [a.rows, a.cols]);
        try {
          // The support set's Gram holds the fitted Grams of the unpermuted and permuted sets as diagonal blocks.
          const support = input.depth ? gramBlock(X, input.depth.positions, input.depth.positions) : null;
          lap('gram');
          const N = input.depth?.positions.length ?? 0;
          for (const set of input.sets) {
            const n = set.fit.length;
            const at = depthSets.indexOf(set);
            const fitGram =
              support && at >= 0
                ? subBlock(
                    support,
                    N,
                    depthSets.slice(0, at).reduce((o, s) => o + s.fit.length, 0),
                    n,
                  )
                : gramBlock(X, set.fit, set.fit);
            const fitSq = diagonal(fitGram, n);
            lap('gram');
            const loo: CrossGram = { cross: fitGram, nEval: n, nFit: n, evalSq: fitSq, fitSq };
            const looPred = knnPredict(loo, set.fitLabels, {
              k: input.k,
              metric: input.metric,
              numClasses: input.numClasses,
              exclude: Int32Array.from({ length: n }, (_, i) => i),
            });
            rows.push({
              layer,
              manifold: set.kind,
              probe: 'knn_loo',
              k: input.k,
              accuracy: accuracy(looPred, set.fitLabels),
              n_fit: n - 1,
              n_eval: n,
            });
            lap('knn');
            const held: CrossGram = {
              cross: gramBlock(X, set.eval, set.fit),
              nEval: set.eval.length,
              nFit: n,
              evalSq: squaredNorms(X, set.eval),
              fitSq,
            };
            lap('gram');
            const knnPred = knnPredict(held, set.fitLabels, { k: input.k, metric: input.metric, numClasses: input.numClasses });
            rows.push({
              layer,
              manifold: set.kind,
              probe: 'knn',
              k: input.k,
              accuracy: accuracy(knnPred, set.evalLabels),
              n_fit: n,
              n_eval: set.eval.length,
            });
            lap('knn');
            const lin = linearProbeFromGram(fitGram, n, set.fitLabels, held, {
              numClasses: input.numClasses,
              lambda: input.lambda,
              iterations: input.iterations,
              kernelProduct: backendKernelProduct,
            });
            rows.push({
              layer,
              manifold: set.kind,
              probe: 'linear',
              k: null,
              accuracy: accuracy(lin.predictions, set.evalLabels),
              n_fit: n,
              n_eval: set.eval.length,
            });
            lap('linear');
          }
          if (support && input.depth) {
            const sq = diagonal(support, N);
            depthPreds.push(
              knnPredict({ cross: support, nEval: N, nFit: N, evalSq: sq, fitSq: sq }, input.depth.labels, {
                k: input.k,
                metric: input.metric,
                numClasses: input.numClasses,
                exclude: Int32Array.from({ length: N }, (_, i) => i),
              }),
            );
            lap('knn');
          }
        } finally {
          X.dispose();
        }
        if (input.depth && layer === input.outputPoint) network = argmaxRows(a, input.depth.positions);
      }
    }
    if (input.depth && !network) {
      const out = (await extractActivations(model, x, [input.outputPoint], { chunkSize: input.chunkSize })).get(input.outputPoint)!;
      network = argmaxRows(out, input.depth.positions);
    }
    const depth = input.depth && network ? predictionDepth(depthPreds, network, { depths: input.layerIndex }) : null;
    return { rows, depth, network, seconds: (performance.now() - t0) / 1000, timing };
  } finally {
    model.dispose();
  }
}
