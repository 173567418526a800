import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from '../backend';
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

  /**
   * `fusedKernels: false` keeps Adam on tensor ops even where the backend has the one-pass kernel (the
   * reference the kernel is tested against).
   */
  constructor(
    readonly config: OptimizerConfig,
    private readonly params: Param[],
    private readonly options: { fusedKernels?: boolean } = {},
  ) {
    this.params = params.filter((p) => p.trainable);
  }

  /** Apply one update. `grads` are keyed by tf variable name (as `tf.variableGrads` returns them). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    this.step++;
    const t = this.step;
    const { kind, momentum, weightDecay, beta1, beta2, epsilon } = this.config;
    // The backend's one-pass Adam step where it has one (wasm): the same float32 operations in the
    // same order as the tensor ops below, so the same bits, in one kernel call per parameter.
    const fused = kind === 'adam' && this.options.fusedKernels !== false && tf.getKernel(ADAM_UPDATE_KERNEL, tf.getBackend()) !== undefined;
    const adam: AdamUpdateAttrs = {
      decay: weightDecay > 0,
      weightDecay,
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      biasCorrection2: 1 - Math.pow(beta2, t),
      epsilon,
      stepSize: lr / (1 - Math.pow(beta1, t)),
    };
    for (const p of this.params) {
      const grad = grads[p.variable.name];
      if (!grad) throw new Error(`Optimizer: no gradient for ${p.name}`);
      tf.tidy(() => {
        const w = p.variable;
        const decayed = () => (weightDecay > 0 ? tf.add(grad, tf.mul(w, weightDecay)) : grad);
        if (kind === 'adam') {
          const m = this.slot(`${p.name}/m`, w.shape);
          const v = this.slot(`${p.name}/v`, w.shape);
          if (fused) {
            const [w2, m2, v2] = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { w, g: grad, m, v }, adam as never) as tf.Tensor[];
            w.assign(w2);
            m.assign(m2);
            v.assign(v2);
            return;
          }
          const g = decayed();
          m.assign(tf.add(tf.mul(m, adam.beta1), tf.mul(g, adam.oneMinusBeta1)));
          v.assign(tf.add(tf.mul(v, adam.beta2), tf.mul(tf.square(g), adam.oneMinusBeta2)));
          const denom = tf.add(tf.sqrt(tf.div(v, adam.biasCorrection2)), adam.epsilon);
          w.assign(tf.sub(w, tf.mul(tf.div(m, denom), adam.stepSize)));
          return;
        }
        const g = decayed();
        if (momentum === 0) {
          w.assign(tf.sub(w, tf.mul(g, lr)));
          return;
        }
        const buf = this.slot(`${p.name}/momentum`, w.shape);
        // Zero-initialized, so the first step gives buf = g as in PyTorch.
        buf.assign(tf.add(tf.mul(buf, momentum), g));
        w.assign(tf.sub(w, tf.mul(buf, lr)));
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
