import { InputError } from '../errors';

/**
 * What network to build. `width` means what is natural for each family:
 * - `mlp`: `depth` hidden layers of `width` units each (ReLU), then the logits layer.
 * - `cnn`: the small convnet of docs/small-scale.md, conv16-pool-conv32-conv32-pool-conv64-fc256-logits;
 *   `width` multiplies every channel and unit count (1 = as listed).
 * - `vgg`: VGG-11/13/16 (`depth`) with batch normalization, as in torchvision's `vgg*_bn` feature
 *   stacks, then fc(512)-fc(512)-logits; `width` multiplies every channel count (1 = 64…512 channels).
 *   28x28 inputs are zero-padded to 32x32 so that the five 2x2 pools end at 1x1.
 * - `resnet18`: the preactivation ResNet-18 of Nakkiran et al. (2020, "Deep double descent"), stages of
 *   k, 2k, 4k, 8k channels with `width` = k (k = 64 is the standard ResNet-18).
 */
export type ModelSpec =
  | { family: 'mlp'; depth: number; width: number }
  | { family: 'cnn'; width: number }
  | { family: 'vgg'; depth: 11 | 13 | 16; width: number }
  | { family: 'resnet18'; width: number };

export type ModelFamily = ModelSpec['family'];

export const MODEL_FAMILIES: ModelFamily[] = ['mlp', 'cnn', 'vgg', 'resnet18'];

/** Default width/depth per family: the standard architectures. */
export const MODEL_DEFAULTS: { [F in ModelFamily]: Omit<Extract<ModelSpec, { family: F }>, 'family'> } = {
  mlp: { depth: 4, width: 512 },
  cnn: { width: 1 },
  vgg: { depth: 16, width: 1 },
  resnet18: { width: 64 },
};

/**
 * Complete a partial model spec with the family's defaults and validate it. Errors name the field
 * (prefixed with `path`, e.g. `model.width`) and say what is allowed.
 *
 * @example
 * resolveModelSpec({ family: 'vgg', width: 0.25 }); // { family: 'vgg', depth: 16, width: 0.25 }
 */
export function resolveModelSpec(input: unknown, path = 'model'): ModelSpec {
  if (typeof input === 'string') input = { family: input };
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new InputError(`${path}: expected an object like {"family": "cnn", "width": 1}, got ${JSON.stringify(input)}`);
  const raw = input as Record<string, unknown>;
  const family = raw.family;
  if (typeof family !== 'string' || !MODEL_FAMILIES.includes(family as ModelFamily)) {
    throw new InputError(`${path}.family: unknown model '${String(family)}'; known models: ${MODEL_FAMILIES.join(', ')}`);
  }
  const f = family as ModelFamily;
  const allowed = ['family', ...Object.keys(MODEL_DEFAULTS[f])];
  for (const k of Object.keys(raw)) {
    if (!allowed.includes(k)) throw new InputError(`${path}.${k}: not a field of model '${f}' (fields: ${allowed.join(', ')})`);
  }
  const spec = { family: f, ...MODEL_DEFAULTS[f], ...stripUndefined(raw) } as Record<string, unknown>;
  const num = (k: string, ok: (v: number) => boolean, what: string) => {
    const v = spec[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
      throw new InputError(`${path}.${k}: must be ${what} for model '${f}', got ${JSON.stringify(v)}`);
  };
  switch (f) {
    case 'mlp':
      num('depth', (v) => Number.isInteger(v) && v >= 1 && v <= 64, 'an integer number of hidden layers in 1..64');
      // 2^14 units: one hidden-to-hidden layer is then 1 GB of weights (3 GB with Adam's state).
      num(
        'width',
        (v) => Number.isInteger(v) && v >= 1 && v <= 16384,
        'an integer number of units in 1..16384 (a wider layer would not fit in memory)',
      );
      break;
    case 'cnn':
      num('width', (v) => v > 0 && v <= 64, 'a positive width multiplier (1 = conv16/32/32/64, fc256)');
      break;
    case 'vgg':
      num('depth', (v) => v === 11 || v === 13 || v === 16, 'one of 11, 13, 16 (VGG-11/13/16)');
      num('width', (v) => v > 0 && v <= 16, 'a positive width multiplier (1 = 64…512 channels)');
      break;
    case 'resnet18':
      num('width', (v) => Number.isInteger(v) && v >= 1 && v <= 512, 'an integer k in 1..512 (stage widths k, 2k, 4k, 8k; 64 = standard)');
      break;
  }
  return spec as ModelSpec;
}

/** A short human name, e.g. `vgg16(w=0.25)`, `mlp(4x512)`, `resnet18(k=8)`. */
export function describeModelSpec(spec: ModelSpec): string {
  switch (spec.family) {
    case 'mlp':
      return `mlp(${spec.depth}x${spec.width})`;
    case 'cnn':
      return `cnn(w=${spec.width})`;
    case 'vgg':
      return `vgg${spec.depth}(w=${spec.width})`;
    case 'resnet18':
      return `resnet18(k=${spec.width})`;
  }
}

/** Scale a base channel count by a width multiplier: never below one channel. */
export function scaleWidth(base: number, width: number): number {
  return Math.max(1, Math.round(base * width));
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
