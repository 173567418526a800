import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { Param } from './layers';
import type { ModelSpec } from './modelSpec';

/**
 * One named step of a network, from one analysis point to the next: e.g. `conv3` = conv → BN → ReLU
 * → pool. Its output is the analysis point of the same name, and its parameters are the unit that
 * layer rewinding reverts (docs/paper.md §4).
 */
export interface Stage {
  name: string;
  params: Param[];
  apply(x: tf.Tensor, training: boolean): tf.Tensor;
}

/** A layer's parameter values, keyed by the local name (`kernel`, `bn_moving_mean`, ...). */
export type LayerValues = Map<string, tf.Tensor>;

/**
 * A feed-forward classifier built from an ordered list of stages. Analysis points are `input`, then
 * one per stage (the stage's output), ending with `logits`. Build one with `createModel(spec, ...)`.
 *
 * The model owns its variables: call `dispose()` when done.
 */
export class Model {
  /** Ordered names of the points whose representations can be analysed: `input`, ..., `logits`. */
  readonly analysisPoints: string[];

  constructor(
    readonly spec: ModelSpec,
    /** [height, width, channels] of one input image. */
    readonly inputShape: [number, number, number],
    readonly numClasses: number,
    readonly seed: number,
    readonly stages: Stage[],
  ) {
    this.analysisPoints = ['input', ...stages.map((s) => s.name)];
    if (stages[stages.length - 1]?.name !== 'logits') throw new Error('Model: the last stage must be named logits');
  }

  /** The layers that have parameters, in order: the units of rewinding. */
  get layerNames(): string[] {
    return this.stages.filter((s) => s.params.length > 0).map((s) => s.name);
  }

  /** Every parameter (trainable and batch-norm statistics), in a fixed order. */
  get params(): Param[] {
    return this.stages.flatMap((s) => s.params);
  }

  get trainableVariables(): tf.Variable[] {
    return this.params.filter((p) => p.trainable).map((p) => p.variable);
  }

  /** Number of trainable scalars. */
  get numTrainable(): number {
    return this.params.filter((p) => p.trainable).reduce((a, p) => a + p.variable.size, 0);
  }

  /** Logits for a batch of NHWC images. `training` uses batch statistics and updates running ones. */
  forward(x: tf.Tensor4D, training = false): tf.Tensor2D {
    this.checkInput(x);
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      for (const s of this.stages) h = s.apply(h, training);
      return h as tf.Tensor2D;
    });
  }

  /**
   * Stages `from` … `to − 1` (inference mode) applied to `h`, the output of stage `from − 1` (the
   * image batch for `from` = 0). `forward(x)` equals `forwardStages(forwardStages(x, 0, k), k, n)` bit
   * for bit, which lets a caller reuse a prefix's output (layer rewinding keeps the final model's).
   */
  forwardStages(h: tf.Tensor, from: number, to: number): tf.Tensor {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= this.stages.length))
      throw new Error(`Model.forwardStages: bad stage range [${from}, ${to}) of ${this.stages.length}`);
    if (from === 0) this.checkInput(h as tf.Tensor4D);
    return tf.tidy(() => {
      let out = h;
      for (let i = from; i < to; i++) out = this.stages[i].apply(out, false);
      return out === h ? out.clone() : out;
    });
  }

  /**
   * Representations at the requested analysis points (inference mode), each flattened to
   * [batch, features]. Stops after the last requested point. The caller disposes the tensors.
   */
  forwardPoints(x: tf.Tensor4D, points: string[]): Map<string, tf.Tensor2D> {
    this.checkInput(x);
    const idx = points.map((p) => this.pointIndex(p));
    const last = Math.max(...idx);
    // tf.tidy keeps the tensors it finds in a plain object it returns (not in a Map).
    const kept = tf.tidy(() => {
      const out: Record<string, tf.Tensor2D> = {};
      const want = new Set(points);
      const flat = (t: tf.Tensor) => t.reshape([t.shape[0], -1]) as tf.Tensor2D;
      let h: tf.Tensor = x;
      if (want.has('input')) out.input = flat(h);
      for (let i = 0; i < last; i++) {
        h = this.stages[i].apply(h, false);
        if (want.has(this.stages[i].name)) out[this.stages[i].name] = flat(h);
      }
      return out;
    });
    return new Map(points.map((p) => [p, kept[p]]));
  }

  /** Index of an analysis point (0 = input); throws with the list of known points. */
  pointIndex(point: string): number {
    const i = this.analysisPoints.indexOf(point);
    if (i < 0) throw new InputError(`unknown analysis point '${point}'; this model has: ${this.analysisPoints.join(', ')}`);
    return i;
  }

  /** The parameters of one layer (rewinding unit). */
  layerParams(layer: string): Param[] {
    const s = this.stages.find((st) => st.name === layer);
    if (!s || s.params.length === 0)
      throw new InputError(`'${layer}' is not a layer with parameters; layers: ${this.layerNames.join(', ')}`);
    return s.params;
  }

  /**
   * Copies of a layer's parameter tensors, including batch-norm scale, shift and moving statistics,
   * keyed by local name. The caller disposes them.
   */
  getLayerValues(layer: string): LayerValues {
    return new Map(this.layerParams(layer).map((p) => [localName(p.name), p.variable.clone()]));
  }

  /** Overwrite a layer's parameters (every one of them must be given, with the same shapes). */
  setLayerValues(layer: string, values: LayerValues): void {
    const params = this.layerParams(layer);
    if (values.size !== params.length)
      throw new InputError(
        `setLayerValues('${layer}'): expected ${params.length} tensors (${params.map((p) => localName(p.name)).join(', ')}), got ${values.size}`,
      );
    for (const p of params) {
      const v = values.get(localName(p.name));
      if (!v) throw new InputError(`setLayerValues('${layer}'): missing '${localName(p.name)}'`);
      if (!tf.util.arraysEqual(v.shape, p.variable.shape))
        throw new InputError(`setLayerValues('${layer}'): '${localName(p.name)}' has shape [${v.shape}], expected [${p.variable.shape}]`);
    }
    // assign() shares the clone's buffer; tidy disposes the clone's own handle so nothing leaks per call.
    for (const p of params) tf.tidy(() => p.variable.assign(values.get(localName(p.name))!.clone()));
  }

  /** All parameter values as named Float32Arrays (the checkpoint content). */
  async readWeights(): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const p of this.params) out.set(p.name, { shape: p.variable.shape.slice(), data: (await p.variable.data()) as Float32Array });
    return out;
  }

  /** Set every parameter from named arrays; names and sizes must match exactly. */
  writeWeights(weights: Map<string, { shape: number[]; data: Float32Array }>, source = 'weights'): void {
    const missing = this.params.filter((p) => !weights.has(p.name)).map((p) => p.name);
    if (missing.length > 0)
      throw new InputError(
        `${source}: missing parameters ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} (was it saved from a different model?)`,
      );
    const known = new Set(this.params.map((p) => p.name));
    const extra = [...weights.keys()].filter((k) => !known.has(k));
    if (extra.length > 0)
      throw new InputError(
        `${source}: parameters not in this model: ${extra.slice(0, 5).join(', ')} (was it saved from a different model?)`,
      );
    for (const p of this.params) {
      const w = weights.get(p.name)!;
      if (!tf.util.arraysEqual(w.shape, p.variable.shape))
        throw new InputError(`${source}: '${p.name}' has shape [${w.shape}], the model has [${p.variable.shape}]`);
    }
    for (const p of this.params) {
      const w = weights.get(p.name)!;
      tf.tidy(() => p.variable.assign(tf.tensor(w.data, w.shape)));
    }
  }

  dispose(): void {
    for (const p of this.params) p.variable.dispose();
  }

  private checkInput(x: tf.Tensor): void {
    const [h, w, c] = this.inputShape;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c) {
      throw new InputError(`model expects images of shape [N, ${h}, ${w}, ${c}], got [${x.shape}]`);
    }
  }
}

/** `conv3/bn_gamma` → `bn_gamma`. */
export function localName(name: string): string {
  return name.slice(name.indexOf('/') + 1);
}

/**
 * The layer-rewinding primitive (docs/paper.md §4): copy the parameters of `layers` (including batch-norm
 * statistics) from `source` into `target`. Both models must have the same architecture.
 */
export function copyLayers(source: Model, target: Model, layers: string[]): void {
  for (const layer of layers) {
    const values = source.getLayerValues(layer);
    try {
      target.setLayerValues(layer, values);
    } finally {
      for (const v of values.values()) v.dispose();
    }
  }
}
