import * as tf from '@tensorflow/tfjs';
import type { Param } from '../models';
import type { OptimizerConfig } from './runConfig';

/** Named arrays, as stored in a checkpoint. */
export type NamedArrays = Map<string, { shape: number[]; data: Float32Array }>;

/**
 * SGD with momentum or Adam over a model's trainable parameters, with its state (momentum buffers,
 * Adam moments, step count) readable and restorable for checkpoints. Written here rather than using
 * tf.train.* so that the state is keyed by parameter name and the learning rate can change per epoch.
 *
 * Update rules follow PyTorch (the reference experiments, docs/small-scale.md), g = ∇L + weightDecay·w:
 * - SGD: buf ← μ·buf + g (buf = g on the first step); w ← w − lr·buf.
 * - Adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
 */
export class Optimizer {
  /** Number of updates applied so far. */
  step = 0;
  private slots = new Map<string, tf.Variable>();

  constructor(
    readonly config: OptimizerConfig,
    private readonly params: Param[],
  ) {
    this.params = params.filter((p) => p.trainable);
  }

  /** Apply one update. `grads` are keyed by tf variable name (as `tf.variableGrads` returns them). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.step++;
    const t = this.step;
    const { kind, momentum, weightDecay, beta1, beta2, epsilon } = this.config;
    for (const p of this.params) {
      const grad = grads[p.variable.name];
      if (!grad) throw new Error(`Optimizer: no gradient for ${p.name}`);
      tf.tidy(() => {
        const w = p.variable;
        const g = weightDecay > 0 ? tf.add(grad, tf.mul(w, weightDecay)) : grad;
        if (kind === 'sgd') {
          if (momentum === 0) {
            w.assign(tf.sub(w, tf.mul(g, lr)));
            return;
          }
          const buf = this.slot(`${p.name}/momentum`, w.shape);
          // Zero-initialized, so the first step gives buf = g as in PyTorch.
          buf.assign(tf.add(tf.mul(buf, momentum), g));
          w.assign(tf.sub(w, tf.mul(buf, lr)));
        } else {
          const m = this.slot(`${p.name}/m`, w.shape);
          const v = this.slot(`${p.name}/v`, w.shape);
          m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
          v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
          const stepSize = lr / (1 - Math.pow(beta1, t));
          const denom = tf.add(tf.sqrt(tf.div(v, 1 - Math.pow(beta2, t))), epsilon);
          w.assign(tf.sub(w, tf.mul(tf.div(m, denom), stepSize)));
        }
      });
    }
  }

  /** The state to checkpoint: slots by name, plus the step count (returned separately). */
  async readState(): Promise<{ step: number; slots: NamedArrays }> {
    const slots: NamedArrays = new Map();
    for (const [name, v] of this.slots) slots.set(name, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
    return { step: this.step, slots };
  }

  /** Restore the state written by `readState` (slot names must belong to this model). */
  loadState(state: { step: number; slots: NamedArrays }, source = 'optimizer state'): void {
    const known = new Map(this.params.map((p) => [p.name, p]));
    for (const [name, s] of state.slots) {
      const pname = name.slice(0, name.lastIndexOf('/'));
      const p = known.get(pname);
      if (!p) throw new Error(`${source}: slot '${name}' does not belong to a trainable parameter of this model`);
      if (!tf.util.arraysEqual(p.variable.shape, s.shape))
        throw new Error(`${source}: slot '${name}' has shape [${s.shape}], expected [${p.variable.shape}]`);
    }
    this.dispose();
    for (const [name, s] of state.slots)
      this.slots.set(
        name,
        tf.tidy(() => tf.variable(tf.tensor(s.data, s.shape), false)),
      );
    this.step = state.step;
  }

  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }

  private slot(name: string, shape: number[]): tf.Variable {
    let v = this.slots.get(name);
    if (!v) {
      v = tf.variable(tf.zeros(shape), false);
      this.slots.set(name, v);
    }
    return v;
  }
}
