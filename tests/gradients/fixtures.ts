// Shared by the gradient tests: models with non-trivial batch-norm statistics, reference gradients, a tolerance check.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel, layerSlices, Rng, type Model, type ModelSpec } from 'memgeo';

/** A model whose batch-norm running statistics are not the fresh ones (so inference mode differs from a fresh net). */
export function modelWithStats(spec: ModelSpec, shape: [number, number, number], numClasses: number): Model {
  const model = createModel(spec, shape, numClasses, 5);
  const rng = Rng.derive(7, 'bn-stats');
  for (const p of model.params) {
    if (p.role !== 'moving_mean' && p.role !== 'moving_variance') continue;
    const v = Float32Array.from({ length: p.variable.size }, () => (p.role === 'moving_mean' ? 0.3 * rng.normal() : 0.5 + rng.uniform()));
    tf.tidy(() => p.variable.assign(tf.tensor(v, p.variable.shape)));
  }
  return model;
}

/** The images `idx` as one batch tensor. */
export function batchOf(images: Float32Array, shape: [number, number, number], idx: number[]): tf.Tensor4D {
  const per = shape[0] * shape[1] * shape[2];
  const xs = new Float32Array(idx.length * per);
  idx.forEach((i, k) => xs.set(images.subarray(i * per, (i + 1) * per), k * per));
  return tf.tensor4d(xs, [idx.length, ...shape]);
}

/** ∇_θ of `loss` (a function of the model, run in one batch), per layer concatenated in the order of `layerSlices` (the reference). */
export function layerGradients(model: Model, loss: () => tf.Scalar): Float32Array[] {
  const slices = layerSlices(model);
  const { value, grads } = tf.variableGrads(
    loss,
    slices.flatMap((s) => s.variables),
  );
  const out = slices.map((s) => {
    const v = new Float32Array(s.size);
    let off = 0;
    for (const variable of s.variables) {
      const d = grads[variable.name].dataSync();
      v.set(d, off);
      off += d.length;
    }
    return v;
  });
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** max |a − b| ≤ rel · max |b|, with b not zero. */
export function assertClose(a: Float32Array, b: Float32Array, what: string, rel = 2e-4): void {
  assert.equal(a.length, b.length, what);
  let diff = 0,
    ref = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    ref = Math.max(ref, Math.abs(b[i]));
  }
  assert.ok(ref > 0, `${what}: reference is zero`);
  assert.ok(diff <= rel * ref, `${what}: max |Δ| = ${diff} vs max |ref| = ${ref}`);
}
