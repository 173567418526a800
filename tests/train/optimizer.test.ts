import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Optimizer, useBackend, type OptimizerConfig, type Param } from 'memgeo';

const target = [1, -2, 0.5];
const start = [0.3, 0.1, -0.4];

/** Loss 0.5·|w − target|², so the gradient is w − target; reference updates in plain JS (PyTorch's rules). */
function reference(cfg: OptimizerConfig, steps: number, lr: number): number[] {
  const w = [...start];
  const buf = [0, 0, 0];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < 3; i++) {
      const g = w[i] - target[i] + cfg.weightDecay * w[i];
      if (cfg.kind === 'sgd') {
        buf[i] = cfg.momentum * buf[i] + g;
        w[i] -= lr * buf[i];
      } else {
        m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * g;
        v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * g * g;
        const mh = m[i] / (1 - cfg.beta1 ** t);
        const vh = v[i] / (1 - cfg.beta2 ** t);
        w[i] -= (lr * mh) / (Math.sqrt(vh) + cfg.epsilon);
      }
    }
  }
  return w;
}

function makeParam(): Param {
  return { name: 'fc1/kernel', role: 'kernel', trainable: true, variable: tf.variable(tf.tensor1d(start)) };
}

function run(opt: Optimizer, p: Param, steps: number, lr: number): void {
  const t = tf.tensor1d(target);
  for (let s = 0; s < steps; s++) {
    const { value, grads } = tf.variableGrads(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(p.variable, t)))) as tf.Scalar, [p.variable]);
    opt.apply(grads, lr);
    tf.dispose([value, grads]);
  }
  t.dispose();
}

test('SGD with momentum and weight decay, and Adam, follow the PyTorch update rules; state reloads exactly', async () => {
  await initBackend();
  const configs: OptimizerConfig[] = [
    { kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    { kind: 'sgd', lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    { kind: 'adam', lr: 0.05, momentum: 0, weightDecay: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  ];
  for (const cfg of configs) {
    const p = makeParam();
    const opt = new Optimizer(cfg, [p]);
    run(opt, p, 5, cfg.lr);
    const got = Array.from(await p.variable.data());
    reference(cfg, 5, cfg.lr).forEach((w, i) =>
      assert.ok(Math.abs(w - got[i]) < 1e-5, `${cfg.kind}: ${got} vs ${reference(cfg, 5, cfg.lr)}`),
    );
    // Continue in a fresh optimizer from the saved state: same as continuing the original.
    const state = await opt.readState();
    const q = makeParam();
    q.variable.assign(p.variable);
    const opt2 = new Optimizer(cfg, [q]);
    opt2.loadState(state);
    assert.equal(opt2.step, 5);
    run(opt, p, 3, cfg.lr * 0.5);
    run(opt2, q, 3, cfg.lr * 0.5);
    assert.deepEqual(await q.variable.data(), await p.variable.data());
    for (const o of [opt, opt2]) o.dispose();
    p.variable.dispose();
    q.variable.dispose();
  }
  const p = makeParam();
  const opt = new Optimizer(configs[2], [p]);
  assert.throws(
    () => opt.loadState({ step: 1, slots: new Map([['conv9/kernel/m', { shape: [3], data: new Float32Array(3) }]]) }),
    /does not belong to a trainable parameter/,
  );
  p.variable.dispose();
});

test("on wasm, Adam's one-pass kernel gives the bits of the op-by-op update (weights, moments), with and without weight decay", async () => {
  await useBackend('wasm');
  // 1031 entries: whole SIMD vectors and a scalar tail; gradients include zeros of both signs, huge
  // and tiny values, infinities and NaN, so the comparison covers the float32 edge cases.
  const n = 1031;
  const special = [0, -0, 1e-30, -1e-30, 3e38, -3e38, Infinity, -Infinity, NaN];
  const gradAt = (step: number) =>
    Float32Array.from({ length: n }, (_, i) =>
      i % 97 === 0 ? special[(i / 97 + step) % special.length] : Math.sin(i * 1.3 + step) * 10 ** ((i % 7) - 3),
    );
  for (const weightDecay of [0, 5e-4]) {
    const cfg: OptimizerConfig = { kind: 'adam', lr: 2e-3, momentum: 0, weightDecay, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const init = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    const mk = (): Param => ({ name: 'fc1/kernel', role: 'kernel', trainable: true, variable: tf.variable(tf.tensor1d(init)) });
    const [p, q] = [mk(), mk()];
    const fused = new Optimizer(cfg, [p]);
    const ops = new Optimizer(cfg, [q], { fusedKernels: false });
    for (let step = 0; step < 4; step++) {
      const g = tf.tensor1d(gradAt(step));
      fused.apply({ [p.variable.name]: g }, cfg.lr);
      ops.apply({ [q.variable.name]: g }, cfg.lr);
      g.dispose();
    }
    const a = await fused.readState();
    const b = await ops.readState();
    const bits = (x: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(x).buffer));
    assert.deepEqual(bits(await p.variable.data()), bits(await q.variable.data()), `weights, weight decay ${weightDecay}`);
    for (const name of ['fc1/kernel/m', 'fc1/kernel/v'])
      assert.deepEqual(bits(a.slots.get(name)!.data), bits(b.slots.get(name)!.data), `${name}, weight decay ${weightDecay}`);
    // Not vacuous: the weights moved, and most stayed finite.
    const w = await p.variable.data();
    assert.ok(w.some((x, i) => x !== init[i] && Number.isFinite(x)));
    for (const o of [fused, ops]) o.dispose();
    p.variable.dispose();
    q.variable.dispose();
  }
});
