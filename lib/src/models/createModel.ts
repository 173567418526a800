import { InputError } from '../errors';
import { cnnStages } from './cnn';
import { mlpStages } from './mlp';
import { Model, type Stage } from './Model';
import { resolveModelSpec, type ModelSpec } from './modelSpec';
import { resnet18Stages } from './resnet18';
import { vggStages } from './vgg';

/**
 * Build a fresh model with seeded initialization (same spec, shape and seed → same weights on any
 * backend: the initial values are drawn in JavaScript from `Rng.derive(seed, 'init', param)`).
 *
 * @example
 * const model = createModel({ family: 'cnn', width: 0.5 }, [28, 28, 1], 10, 0);
 * model.analysisPoints; // ['input', 'conv1', 'conv2', 'conv3', 'conv4', 'fc1', 'logits']
 * const logits = model.forward(images); // [N, 10]
 * model.dispose();
 */
export function createModel(
  spec: Partial<ModelSpec> | ModelSpec | string,
  inputShape: [number, number, number],
  numClasses: number,
  seed: number,
): Model {
  const s = resolveModelSpec(spec);
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new InputError(
      `createModel: inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(inputShape)}`,
    );
  }
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new InputError(`createModel: numClasses must be an integer >= 2, got ${numClasses}`);
  if (!Number.isFinite(seed)) throw new InputError(`createModel: seed must be a number, got ${seed}`);
  const [h, w] = inputShape;
  let stages: Stage[];
  switch (s.family) {
    case 'mlp':
      stages = mlpStages(s, inputShape, numClasses, seed);
      break;
    case 'cnn':
      if (h < 4 || w < 4) throw new InputError(`model 'cnn' needs images of at least 4x4 (two 2x2 pools), got ${h}x${w}`);
      stages = cnnStages(s, inputShape, numClasses, seed);
      break;
    case 'vgg':
      if (!((h === 32 && w === 32) || (h === 28 && w === 28)))
        throw new InputError(`model 'vgg' needs 28x28 or 32x32 images, got ${h}x${w}`);
      stages = vggStages(s, inputShape, numClasses, seed);
      break;
    case 'resnet18':
      if (h < 8 || w < 8) throw new InputError(`model 'resnet18' needs images of at least 8x8 (three stride-2 stages), got ${h}x${w}`);
      stages = resnet18Stages(s, inputShape, numClasses, seed);
      break;
  }
  return new Model(s, inputShape, numClasses, seed, stages);
}
