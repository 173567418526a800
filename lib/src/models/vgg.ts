import * as tf from '@tensorflow/tfjs';
import { batchNorm, batchNormParams, conv, convParams, dense, denseParams, maxPool2, ParamFactory } from './layers';
import { flatten, logitsStage } from './mlp';
import type { Stage } from './Model';
import { scaleWidth } from './modelSpec';

/** torchvision's VGG configurations ('M' = 2x2 max pool). */
export const VGG_LAYOUTS: Record<11 | 13 | 16, (number | 'M')[]> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
};

/**
 * VGG with batch normalization (torchvision `vgg*_bn` feature stacks: 3x3 conv, BN, ReLU, pools),
 * then a CIFAR-style classifier fc(512)-ReLU-fc(512)-ReLU-logits on the 1x1 map; `width` scales every
 * channel and unit count. The paper's exact VGG-16 head is not known (docs/paper.md §3.3), this one is [I].
 * Stages conv1..convN end after ReLU and the pool that follows, if any. 28x28 inputs are zero-padded
 * to 32x32 in conv1 so that five pools end at 1x1.
 */
export function vggStages(
  spec: { depth: 11 | 13 | 16; width: number },
  inputShape: [number, number, number],
  numClasses: number,
  seed: number,
): Stage[] {
  const [h0, w0, c0] = inputShape;
  if (!((h0 === 32 && w0 === 32) || (h0 === 28 && w0 === 28))) throw new Error(`vgg: needs 28x28 or 32x32 images, got ${h0}x${w0}`);
  const padIn = (32 - h0) / 2;
  const layout = VGG_LAYOUTS[spec.depth];
  const stages: Stage[] = [];
  let cin = c0;
  let n = 0;
  for (let i = 0; i < layout.length; i++) {
    const item = layout[i];
    if (item === 'M') continue;
    const name = `conv${++n}`;
    const out = scaleWidth(item, spec.width);
    const pool = layout[i + 1] === 'M';
    const first = n === 1;
    const f = new ParamFactory(seed, name);
    const p = convParams(f, '', 3, cin, out, { bias: false });
    const bn = batchNormParams(f, 'bn_', out);
    stages.push({
      name,
      params: f.params,
      apply: (x, training) => {
        let h = x as tf.Tensor4D;
        if (first && padIn > 0)
          h = tf.pad(h, [
            [0, 0],
            [padIn, padIn],
            [padIn, padIn],
            [0, 0],
          ]);
        h = tf.relu(batchNorm(conv(h, p), bn, training));
        return pool ? maxPool2(h) : h;
      },
    });
    cin = out;
  }
  const hidden = scaleWidth(512, spec.width);
  let nin = cin; // 1x1 spatial after five pools
  for (const name of ['fc1', 'fc2']) {
    const f = new ParamFactory(seed, name);
    const p = denseParams(f, '', nin, hidden);
    stages.push({ name, params: f.params, apply: (x) => tf.relu(dense(flatten(x), p)) });
    nin = hidden;
  }
  stages.push(logitsStage(seed, nin, numClasses));
  return stages;
}
