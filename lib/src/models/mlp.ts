import * as tf from '@tensorflow/tfjs';
import { dense, denseParams, ParamFactory } from './layers';
import type { Stage } from './Model';

/** MLP: flatten, `depth` hidden layers fc1..fcD of `width` units with ReLU, then logits. */
export function mlpStages(
  spec: { depth: number; width: number },
  inputShape: [number, number, number],
  numClasses: number,
  seed: number,
): Stage[] {
  const stages: Stage[] = [];
  let nin = inputShape[0] * inputShape[1] * inputShape[2];
  for (let i = 1; i <= spec.depth; i++) {
    const f = new ParamFactory(seed, `fc${i}`);
    const p = denseParams(f, '', nin, spec.width);
    stages.push({ name: `fc${i}`, params: f.params, apply: (x) => tf.relu(dense(flatten(x), p)) });
    nin = spec.width;
  }
  stages.push(logitsStage(seed, nin, numClasses));
  return stages;
}

/** The output layer: a dense map to class scores (no softmax; the loss applies it). */
export function logitsStage(seed: number, nin: number, numClasses: number): Stage {
  const f = new ParamFactory(seed, 'logits');
  const p = denseParams(f, '', nin, numClasses);
  return { name: 'logits', params: f.params, apply: (x) => dense(flatten(x), p) };
}

/** [N, ...] → [N, features]. */
export function flatten(x: tf.Tensor): tf.Tensor2D {
  return (x.rank === 2 ? x : x.reshape([x.shape[0], -1])) as tf.Tensor2D;
}
