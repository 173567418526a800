import * as tf from '@tensorflow/tfjs';
import { conv, convParams, dense, denseParams, maxPool2, ParamFactory } from './layers';
import { flatten, logitsStage } from './mlp';
import type { Stage } from './Model';
import { scaleWidth } from './modelSpec';

/**
 * The small convnet of docs/small-scale.md (where it showed the paper's layer-localized memorization at
 * small scale): conv16-pool-conv32-conv32-pool-conv64-fc256-logits, 3x3 convs with padding 1, ReLU,
 * no batch normalization. Each stage ends after its ReLU (and its pool, where one follows).
 */
export function cnnStages(spec: { width: number }, inputShape: [number, number, number], numClasses: number, seed: number): Stage[] {
  const w = (c: number) => scaleWidth(c, spec.width);
  const layout: { out: number; pool: boolean }[] = [
    { out: w(16), pool: true },
    { out: w(32), pool: false },
    { out: w(32), pool: true },
    { out: w(64), pool: false },
  ];
  const stages: Stage[] = [];
  let [h, wd, cin] = inputShape;
  layout.forEach((l, i) => {
    const name = `conv${i + 1}`;
    const f = new ParamFactory(seed, name);
    const p = convParams(f, '', 3, cin, l.out, { bias: true });
    stages.push({
      name,
      params: f.params,
      apply: (x) => {
        const y = tf.relu(conv(x as tf.Tensor4D, p));
        return l.pool ? maxPool2(y) : y;
      },
    });
    cin = l.out;
    if (l.pool) [h, wd] = [Math.floor(h / 2), Math.floor(wd / 2)];
  });
  const f = new ParamFactory(seed, 'fc1');
  const fc = denseParams(f, '', h * wd * cin, w(256));
  stages.push({ name: 'fc1', params: f.params, apply: (x) => tf.relu(dense(flatten(x), fc)) });
  stages.push(logitsStage(seed, w(256), numClasses));
  return stages;
}
