import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng, useBackend, type BackendName } from 'memgeo';

/** Deterministic normal(0, 1) values as a Float32Array. */
export function randn(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** A seeded normal tensor of `shape` on the active backend. */
export function randt(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    randn(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * Run `fn` on backend `name` and return what it returns (plain arrays: tensors do not survive a
 * backend switch cleanly). Leaves the process on wasm.
 */
export async function onBackend<T>(name: BackendName, fn: () => T): Promise<T> {
  await useBackend(name);
  try {
    return fn();
  } finally {
    if (name !== 'wasm') await useBackend('wasm');
  }
}

/** Run the same computation on cpu (pure JS reference) and wasm (memgeo's kernels). */
export async function onBoth<T>(fn: () => T): Promise<{ cpu: T; wasm: T }> {
  const cpu = await onBackend('cpu', fn);
  const wasm = await onBackend('wasm', fn);
  return { cpu, wasm };
}

/** Flattened values of tensors, disposing them. */
export function values(ts: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap): Float32Array[] {
  const list =
    ts instanceof tf.Tensor
      ? [ts]
      : Array.isArray(ts)
        ? ts
        : Object.keys(ts)
            .sort()
            .map((k) => ts[k]);
  const out = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return out;
}

/**
 * Assert two lists of arrays agree: max |a − b| ≤ rtol · max(1, max |a|), per array (relative to the
 * array's scale, as float32 sums of different order differ by a few ulps of the largest terms).
 */
export function assertClose(actual: ArrayLike<number>[], expected: ArrayLike<number>[], rtol = 1e-4, label = ''): void {
  assert.equal(actual.length, expected.length, `${label}: number of arrays`);
  for (let k = 0; k < actual.length; k++) {
    const a = actual[k];
    const e = expected[k];
    assert.equal(a.length, e.length, `${label}[${k}]: length`);
    let scale = 1;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]));
    let worst = 0;
    let at = -1;
    for (let i = 0; i < e.length; i++) {
      const d = Math.abs(a[i] - e[i]);
      if (!(d <= worst)) {
        worst = d;
        at = i;
      }
    }
    assert.ok(worst <= rtol * scale, `${label}[${k}]: max |diff| ${worst} at ${at} (${a[at]} vs ${e[at]}) exceeds ${rtol} × ${scale}`);
  }
}

/** `actual` and `expected` (tensors of the active backend) hold the same float bits, entry for entry. */
export function assertSameBits(actual: tf.TensorInfo, expected: tf.TensorInfo, label: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${label}: shape`);
  const a = tf.engine().makeTensorFromTensorInfo(actual).dataSync();
  const e = tf.engine().makeTensorFromTensorInfo(expected).dataSync();
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], e[i])) differ++;
  assert.equal(differ, 0, `${label}: ${differ} of ${a.length} entries differ`);
}
