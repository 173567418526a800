import * as tf from '@tensorflow/tfjs';
import { Model, type ModelSpec, type Stage } from '../../models';
import { batchNorm, batchNormParams, conv, convParams, dense, denseParams, maxPool2, ParamFactory } from '../../models/layers';
import { flatten, logitsStage } from '../../models/mlp';

/** The four benchmark models of `memgeo bench train` (the same as bench/torch_bench.py's). */
export type BenchModelName = 'mlp' | 'cnn2' | 'cnn4' | 'cnn4c';
export const BENCH_MODELS: BenchModelName[] = ['mlp', 'cnn2', 'cnn4', 'cnn4c'];

export function inputShapeOf(name: BenchModelName): [number, number, number] {
  return name === 'cnn4c' ? [32, 32, 3] : [28, 28, 1];
}

/**
 * A benchmark model as a memgeo `Model` (what `train()` trains, so the numbers are those of real
 * training): 3×3 'same' convolutions with bias, ReLU, 2×2 max pools, 10 logits.
 * - mlp: 784-512-512-10;
 * - cnn2: conv16, pool, conv32, pool, logits;
 * - cnn4 (28×28×1) / cnn4c (32×32×3): conv32+BN, conv32, pool, conv64+BN, conv64, pool, fc128, logits.
 * Exported by name so data-parallel workers can build their replicas (`ModelBuilder`).
 */
export function buildBenchModel(arg: { name: BenchModelName; seed?: number }): Model {
  const { name } = arg;
  const seed = arg.seed ?? 0;
  const shape = inputShapeOf(name);
  const stages: Stage[] = [];
  let cin = shape[2];
  let hw = shape[0];
  const convStage = (layer: string, cout: number, withBn: boolean, pool: boolean) => {
    const f = new ParamFactory(seed, layer);
    const p = convParams(f, '', 3, cin, cout, { bias: true });
    const bn = withBn ? batchNormParams(f, 'bn_', cout) : null;
    stages.push({
      name: layer,
      params: f.params,
      apply: (x, training) => {
        let h = conv(x as tf.Tensor4D, p);
        if (bn) h = batchNorm(h, bn, training);
        h = tf.relu(h);
        return pool ? maxPool2(h) : h;
      },
    });
    cin = cout;
    if (pool) hw = Math.floor(hw / 2);
  };
  const denseStage = (layer: string, nin: number, nout: number) => {
    const f = new ParamFactory(seed, layer);
    const p = denseParams(f, '', nin, nout);
    stages.push({ name: layer, params: f.params, apply: (x) => tf.relu(dense(flatten(x), p)) });
  };
  if (name === 'mlp') {
    denseStage('fc1', 784, 512);
    denseStage('fc2', 512, 512);
    stages.push(logitsStage(seed, 512, 10));
  } else if (name === 'cnn2') {
    convStage('conv1', 16, false, true);
    convStage('conv2', 32, false, true);
    stages.push(logitsStage(seed, hw * hw * cin, 10));
  } else {
    convStage('conv1', 32, true, false);
    convStage('conv2', 32, false, true);
    convStage('conv3', 64, true, false);
    convStage('conv4', 64, false, true);
    denseStage('fc1', hw * hw * cin, 128);
    stages.push(logitsStage(seed, 128, 10));
  }
  // The spec only names the model; `buildBenchModel` (not createModel) rebuilds it.
  const spec = { family: 'mlp', depth: 0, width: 0, bench: name } as unknown as ModelSpec;
  return new Model(spec, shape, 10, seed, stages);
}
