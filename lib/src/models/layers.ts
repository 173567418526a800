import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

/** What a parameter tensor is, so rewinding and weight decay can treat each kind correctly. */
export type ParamRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';

/**
 * One parameter tensor of a layer. Batch-norm moving statistics are parameters too (not trainable):
 * they belong to their layer when it is rewound or checkpointed.
 */
export interface Param {
  /** Full name, `<layer>/<local>`, e.g. `conv3/kernel`, `block2/bn1_moving_mean`. Unique in a model. */
  name: string;
  role: ParamRole;
  trainable: boolean;
  variable: tf.Variable;
}

/** Builds a layer's parameters with a seeded initialization, each tensor from its own sub-stream. */
export class ParamFactory {
  readonly params: Param[] = [];
  constructor(
    private readonly seed: number,
    private readonly layer: string,
  ) {}

  private add(local: string, role: ParamRole, trainable: boolean, value: tf.Tensor): tf.Variable {
    const name = `${this.layer}/${local}`;
    // Unnamed variables: tfjs registers variable names globally, and several models with the same
    // layer names (a run's checkpoints, rewinding) must coexist in one process.
    const variable = tf.variable(value, trainable);
    value.dispose();
    this.params.push({ name, role, trainable, variable });
    return variable;
  }

  /**
   * PyTorch's default initialization for Conv2d/Linear (kaiming_uniform with a = sqrt(5)): weights and
   * bias uniform on ±1/sqrt(fan_in). The reference experiments (docs/small-scale.md) used PyTorch defaults.
   */
  uniformFanIn(local: string, role: 'kernel' | 'bias', shape: number[], fanIn: number): tf.Variable {
    const rng = Rng.derive(this.seed, 'init', `${this.layer}/${local}`);
    const bound = 1 / Math.sqrt(fanIn);
    const n = shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = (2 * rng.uniform() - 1) * bound;
    return this.add(local, role, true, tf.tensor(v, shape));
  }

  constant(local: string, role: ParamRole, shape: number[], value: number, trainable: boolean): tf.Variable {
    return this.add(local, role, trainable, tf.fill(shape, value));
  }
}

/** Convolution weights, HWIO as tfjs expects. */
export interface ConvParams {
  kernel: tf.Variable;
  bias?: tf.Variable;
  stride: number;
  /** Symmetric zero padding in pixels (PyTorch's `padding`), so stride-2 shapes match PyTorch. */
  pad: number;
}

export function convParams(
  f: ParamFactory,
  prefix: string,
  k: number,
  cin: number,
  cout: number,
  opts: { stride?: number; pad?: number; bias: boolean },
): ConvParams {
  const fanIn = k * k * cin;
  const kernel = f.uniformFanIn(`${prefix}kernel`, 'kernel', [k, k, cin, cout], fanIn);
  const bias = opts.bias ? f.uniformFanIn(`${prefix}bias`, 'bias', [cout], fanIn) : undefined;
  return { kernel, bias, stride: opts.stride ?? 1, pad: opts.pad ?? (k - 1) / 2 };
}

export function conv(x: tf.Tensor4D, p: ConvParams): tf.Tensor4D {
  const y = tf.conv2d(x, p.kernel as tf.Tensor4D, p.stride, p.pad);
  return p.bias ? tf.add(y, p.bias) : y;
}

export interface DenseParams {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export function denseParams(f: ParamFactory, prefix: string, nin: number, nout: number): DenseParams {
  return {
    kernel: f.uniformFanIn(`${prefix}kernel`, 'kernel', [nin, nout], nin),
    bias: f.uniformFanIn(`${prefix}bias`, 'bias', [nout], nin),
  };
}

export function dense(x: tf.Tensor2D, p: DenseParams): tf.Tensor2D {
  return tf.add(tf.matMul(x, p.kernel as tf.Tensor2D), p.bias);
}

/** Batch normalization over all axes but the last (channels), PyTorch conventions. */
export interface BatchNormParams {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
}

export function batchNormParams(f: ParamFactory, prefix: string, c: number): BatchNormParams {
  return {
    gamma: f.constant(`${prefix}gamma`, 'gamma', [c], 1, true),
    beta: f.constant(`${prefix}beta`, 'beta', [c], 0, true),
    movingMean: f.constant(`${prefix}moving_mean`, 'moving_mean', [c], 0, false),
    movingVariance: f.constant(`${prefix}moving_variance`, 'moving_variance', [c], 1, false),
  };
}

/** PyTorch's BatchNorm defaults: running = (1 - momentum) * running + momentum * batch, eps 1e-5. */
export const BN_MOMENTUM = 0.1;
export const BN_EPSILON = 1e-5;

/**
 * In training, normalize with the batch statistics and move the running statistics towards them
 * (the running variance uses the unbiased batch variance, as PyTorch does); in inference, use the
 * running statistics. The running-statistic update is not differentiated (it does not feed the loss).
 */
export function batchNorm<T extends tf.Tensor>(x: T, p: BatchNormParams, training: boolean): T {
  if (training && batchNormSync) return syncedBatchNorm(x, p, batchNormSync);
  if (!training)
    return tf.batchNorm(
      x,
      p.movingMean as tf.Tensor1D,
      p.movingVariance as tf.Tensor1D,
      p.beta as tf.Tensor1D,
      p.gamma as tf.Tensor1D,
      BN_EPSILON,
    ) as T;
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const n = x.size / x.shape[x.shape.length - 1];
  tf.tidy(() => {
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    p.movingMean.assign(tf.add(tf.mul(p.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  return tf.batchNorm(x, mean, variance, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, BN_EPSILON) as T;
}

export function maxPool2(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 2, 2, 'valid');
}

/**
 * Batch moments shared by the shards of one batch in data-parallel training. `allReduceSum` adds a
 * vector over all shards (same result in each); `active` is false for a shard that holds only a
 * stand-in example (a batch with fewer examples than shards), which then contributes nothing.
 */
export interface BatchNormSync {
  allReduceSum(values: Float64Array): Float64Array;
  active: boolean;
}

let batchNormSync: BatchNormSync | null = null;

/**
 * While `fn` runs, training-mode batch normalization uses the moments of the whole batch across the
 * shards (synchronised batch norm), so that a batch split over workers is the same mathematics as the
 * batch in one process: the same normalisation, running statistics and gradients.
 */
export function withBatchNormSync<R>(sync: BatchNormSync, fn: () => R): R {
  const before = batchNormSync;
  batchNormSync = sync;
  try {
    return fn();
  } finally {
    batchNormSync = before;
  }
}

/**
 * Training-mode batch norm over a shard with the moments of the whole batch. Forward: mean = Σx / n and
 * variance = Σ(x − mean)² / n over all shards (the two passes of `tf.moments`, each one all-reduce).
 * Backward (y = γ·x̂ + β, x̂ = (x − mean)/σ): dγ = Σ dy·x̂ and dβ = Σ dy over this shard (the shards'
 * parameter gradients are added later with the rest), and
 * dx = γ/σ · (dy − Σ_all dy / n − x̂ · Σ_all dy·x̂ / n), whose two sums run over the whole batch: one
 * all-reduce. This is the gradient that autodiff gives through `tf.moments` in a single process.
 */
function syncedBatchNorm<T extends tf.Tensor>(x: T, p: BatchNormParams, sync: BatchNormSync): T {
  const C = x.shape[x.shape.length - 1];
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const w = sync.active ? 1 : 0;
  const localSum = tf.tidy(() => tf.sum(x, axes).dataSync());
  const first = new Float64Array(C + 1);
  for (let c = 0; c < C; c++) first[c] = w * localSum[c];
  first[C] = w * (x.size / C);
  const r1 = sync.allReduceSum(first);
  const n = r1[C];
  const meanArr = Float32Array.from({ length: C }, (_, c) => r1[c] / n);
  const mean = tf.tensor1d(meanArr);
  const localSq = tf.tidy(() => tf.sum(tf.square(tf.sub(x, mean)), axes).dataSync());
  const second = new Float64Array(C);
  for (let c = 0; c < C; c++) second[c] = w * localSq[c];
  const r2 = sync.allReduceSum(second);
  const variance = tf.tensor1d(Float32Array.from({ length: C }, (_, c) => r2[c] / n));
  tf.tidy(() => {
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    p.movingMean.assign(tf.add(tf.mul(p.movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    p.movingVariance.assign(tf.add(tf.mul(p.movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
  const invStd = tf.tidy(() => tf.rsqrt(tf.add(variance, BN_EPSILON)));
  const op = tf.customGrad(((xs: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const xhat = tf.mul(tf.sub(xs, mean), invStd);
    save([xhat, gamma, invStd]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor;
        const [xh, gm, is] = saved;
        const dBeta = tf.sum(g, axes);
        const dGamma = tf.sum(tf.mul(g, xh), axes);
        const local = new Float64Array(2 * C);
        const db = dBeta.dataSync();
        const dg = dGamma.dataSync();
        for (let c = 0; c < C; c++) {
          local[c] = w * db[c];
          local[C + c] = w * dg[c];
        }
        const all = sync.allReduceSum(local);
        const meanDy = tf.tensor1d(Float32Array.from({ length: C }, (_, c) => all[c] / n));
        const meanDyXhat = tf.tensor1d(Float32Array.from({ length: C }, (_, c) => all[C + c] / n));
        const dx = tf.mul(tf.mul(gm, is), tf.sub(tf.sub(g, meanDy), tf.mul(xh, meanDyXhat)));
        return [dx, dGamma, dBeta];
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tf.customGrad's typing has no variadic form
  }) as any);
  const y = op(x, p.gamma, p.beta) as T;
  mean.dispose();
  variance.dispose();
  invStd.dispose();
  return y;
}
