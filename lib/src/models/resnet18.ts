import * as tf from '@tensorflow/tfjs';
import { batchNorm, batchNormParams, conv, convParams, ParamFactory } from './layers';
import { logitsStage } from './mlp';
import type { Stage } from './Model';

/**
 * Preactivation ResNet-18 as used by Nakkiran et al. (2020) for model-wise double descent (their
 * `make_resnet18k`, after kuangliu/pytorch-cifar `PreActResNet18`): a 3x3 stem conv with k channels,
 * four stages of two basic preactivation blocks with k, 2k, 4k, 8k channels (stride 2 at the start of
 * stages 2–4, 1x1 conv shortcuts where the shape changes), global average pooling, then logits.
 * Analysis points: stem, block1..block8, pool, logits.
 */
export function resnet18Stages(spec: { width: number }, inputShape: [number, number, number], numClasses: number, seed: number): Stage[] {
  const k = spec.width;
  const stages: Stage[] = [];
  {
    const f = new ParamFactory(seed, 'stem');
    const p = convParams(f, '', 3, inputShape[2], k, { bias: false });
    stages.push({ name: 'stem', params: f.params, apply: (x) => conv(x as tf.Tensor4D, p) });
  }
  let cin = k;
  let b = 0;
  [k, 2 * k, 4 * k, 8 * k].forEach((cout, stage) => {
    for (let j = 0; j < 2; j++) {
      const stride = stage > 0 && j === 0 ? 2 : 1;
      stages.push(preactBlock(seed, `block${++b}`, cin, cout, stride));
      cin = cout;
    }
  });
  stages.push({ name: 'pool', params: [], apply: (x) => tf.mean(x, [1, 2]) });
  stages.push(logitsStage(seed, cin, numClasses));
  return stages;
}

/** out = conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut, shortcut = x or conv1x1(relu(bn1(x))). */
function preactBlock(seed: number, name: string, cin: number, cout: number, stride: number): Stage {
  const f = new ParamFactory(seed, name);
  const bn1 = batchNormParams(f, 'bn1_', cin);
  const conv1 = convParams(f, 'conv1_', 3, cin, cout, { stride, bias: false });
  const bn2 = batchNormParams(f, 'bn2_', cout);
  const conv2 = convParams(f, 'conv2_', 3, cout, cout, { bias: false });
  const shortcut = stride !== 1 || cin !== cout ? convParams(f, 'shortcut_', 1, cin, cout, { stride, pad: 0, bias: false }) : null;
  return {
    name,
    params: f.params,
    apply: (x, training) => {
      const pre = tf.relu(batchNorm(x as tf.Tensor4D, bn1, training));
      const sc = shortcut ? conv(pre, shortcut) : x;
      const h = conv(tf.relu(batchNorm(conv(pre, conv1), bn2, training)), conv2);
      return tf.add(h, sc);
    },
  };
}
