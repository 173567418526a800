import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { ActivationSource } from './extractActivations';
import { registerFileModelIO } from './fileModelIO';

/**
 * A user's TensorFlow.js / Keras-style network (`tf.LayersModel`: Sequential or functional) as a source
 * of activations: its analysis points are `input` and the names of its layers, in the model's order,
 * each the layer's output (after its activation function). The model must be a classifier: one input
 * and one output of shape [batch, classes].
 */
export class LayersModelPoints implements ActivationSource {
  readonly analysisPoints: string[];
  readonly inputShape: number[];
  /** Units of the classifier output. */
  readonly numClasses: number;
  private extractors = new Map<string, tf.LayersModel>();

  constructor(readonly model: tf.LayersModel) {
    if (model.inputs.length !== 1)
      throw new InputError(`the model has ${model.inputs.length} inputs; memgeo analyses models with one input (the images)`);
    if (model.outputs.length !== 1 || model.outputs[0].shape.length !== 2 || !((model.outputs[0].shape[1] ?? 0) >= 2)) {
      throw new InputError(
        `the model has no classifier output: its output${model.outputs.length === 1 ? ` has shape [${model.outputs[0].shape.map((d) => d ?? 'batch')}]` : `s are ${model.outputs.length}`}; ` +
          'memgeo needs one output of shape [batch, classes] (e.g. a final dense layer with one unit per class)',
      );
    }
    this.numClasses = model.outputs[0].shape[1]!;
    const shape = model.inputs[0].shape.slice(1);
    if (shape.some((d) => d === null))
      throw new InputError(
        `the model's input shape [${model.inputs[0].shape.map((d) => d ?? 'null')}] is not fixed; give the input layer a full shape`,
      );
    this.inputShape = shape as number[];
    const inputNames = new Set(model.inputLayers.map((l) => l.name));
    this.analysisPoints = ['input', ...model.layers.filter((l) => !inputNames.has(l.name)).map((l) => l.name)];
  }

  /** The last layer (its output is the classifier output). */
  get outputPoint(): string {
    return this.analysisPoints[this.analysisPoints.length - 1];
  }

  pointIndex(point: string): number {
    const i = this.analysisPoints.indexOf(point);
    if (i < 0) throw new InputError(`unknown analysis point '${point}'; this model's layers are: ${this.analysisPoints.join(', ')}`);
    return i;
  }

  /** Layer outputs in one forward pass (inference mode) through a model sharing the user's layers and weights. */
  forwardPoints(x: tf.Tensor, points: string[]): Map<string, tf.Tensor2D> {
    for (const p of points) this.pointIndex(p);
    const layerPoints = points.filter((p) => p !== 'input');
    const key = layerPoints.join('\u0001');
    let extractor = this.extractors.get(key);
    if (!extractor && layerPoints.length > 0) {
      const outputs = layerPoints.map((p) => {
        try {
          return this.model.getLayer(p).output as tf.SymbolicTensor;
        } catch (err) {
          throw new InputError(`layer '${p}' has no single output to analyse (${(err as Error).message.split('\n')[0]})`);
        }
      });
      extractor = tf.model({ inputs: this.model.inputs, outputs });
      this.extractors.set(key, extractor);
    }
    const kept = tf.tidy(() => {
      const out: Record<string, tf.Tensor2D> = {};
      const flat = (t: tf.Tensor) => t.reshape([t.shape[0], -1]) as tf.Tensor2D;
      if (points.includes('input')) out.input = flat(x);
      if (extractor) {
        const ys = extractor.predict(x) as tf.Tensor | tf.Tensor[];
        const list = Array.isArray(ys) ? ys : [ys];
        layerPoints.forEach((p, i) => (out[p] = flat(list[i])));
      }
      return out;
    });
    return new Map(points.map((p) => [p, kept[p]]));
  }
}

/** A checkpoint of a user's model: an epoch and the folder holding its model.json (and weights). */
export interface LayersCheckpoint {
  epoch: number;
  dir: string;
}

/**
 * The checkpoints of a run saved as model.json folders: `dir` itself when it holds a model.json (one
 * checkpoint, epoch `epoch`), else each subfolder holding one, its epoch the last number in its name
 * (`epoch-3`, `epoch_0040`, `12`), in epoch order.
 */
export function layersModelCheckpoints(dir: string, epoch = 0): LayersCheckpoint[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`checkpoint folder not found: ${dir}`);
  if (fs.existsSync(path.join(dir, 'model.json'))) return [{ epoch, dir }];
  const found: LayersCheckpoint[] = [];
  for (const name of fs.readdirSync(dir)) {
    const sub = path.join(dir, name);
    if (!fs.existsSync(path.join(sub, 'model.json'))) continue;
    const m = /(\d+)(?!.*\d)/.exec(name);
    if (!m) throw new InputError(`${sub}: a checkpoint folder's name must end with its epoch number (e.g. epoch-3)`);
    found.push({ epoch: Number(m[1]), dir: sub });
  }
  if (found.length === 0)
    throw new InputError(`${dir} holds no model.json, nor subfolders with one (save each epoch with model.save('file://${dir}/epoch-N'))`);
  found.sort((a, b) => a.epoch - b.epoch);
  for (let i = 1; i < found.length; i++)
    if (found[i].epoch === found[i - 1].epoch)
      throw new InputError(`${found[i - 1].dir} and ${found[i].dir} are both epoch ${found[i].epoch}`);
  return found;
}

/** Load a model saved with `model.save('file://dir')` (a folder, or its model.json). */
export async function loadLayersModelFrom(dirOrModelJson: string): Promise<tf.LayersModel> {
  registerFileModelIO();
  const file = dirOrModelJson.endsWith('.json') ? dirOrModelJson : path.join(dirOrModelJson, 'model.json');
  if (!fs.existsSync(file)) throw new InputError(`no model.json at ${file}`);
  return tf.loadLayersModel(`file://${path.resolve(file)}`);
}
