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
  constructor(private readonly seed: number, private readonly layer: string) {}

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

export function convParams(f: ParamFactory, prefix: string, k: number, cin: number, cout: number, opts: { stride?: number; pad?: number; bias: boolean }): ConvParams {
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
  if (!training) return tf.batchNorm(x, p.movingMean as tf.Tensor1D, p.movingVariance as tf.Tensor1D, p.beta as tf.Tensor1D, p.gamma as tf.Tensor1D, BN_EPSILON) as T;
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
