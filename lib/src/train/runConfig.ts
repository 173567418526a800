import { checkFields, InputError } from '../errors';
import { resolveModelSpec, type ModelSpec } from '../models/modelSpec';

/** SGD with momentum (PyTorch semantics: buf = μ·buf + g; w -= lr·buf) or Adam (Kingma & Ba 2015). */
export interface OptimizerConfig {
  kind: 'sgd' | 'adam';
  /** Base learning rate (the schedule scales it per epoch). */
  lr: number;
  /** SGD momentum μ (0 = plain SGD). Ignored by Adam. */
  momentum: number;
  /** L2 penalty added to the gradient of every trainable parameter (PyTorch's `weight_decay`). */
  weightDecay: number;
  /** Adam β1, β2, ε. Ignored by SGD. */
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Learning rate per epoch e = 0..epochs-1 (constant within an epoch):
 * constant: lr; step: lr·gamma^floor(e/every); cosine: minLr + (lr-minLr)(1+cos(πe/epochs))/2.
 */
export type ScheduleConfig = { kind: 'constant' } | { kind: 'step'; every: number; gamma: number } | { kind: 'cosine'; minLr: number };

/** The label noise applied to the training subset (docs/paper.md §3.2). */
export interface NoiseConfig {
  /** 'permute': a fraction ε of examples shuffle their labels among themselves (the paper's);
   * 'symmetric': each label becomes a uniformly random other class with probability ε; 'none'. */
  kind: 'permute' | 'symmetric' | 'none';
  epsilon: number;
}

/**
 * Everything that determines a training run. Stored as `config.json` in the run directory; a run
 * directory is only ever resumed with an identical config (except a larger `epochs`, see `train`).
 */
export interface RunConfig {
  /** Dataset name for `loadDataset` (e.g. 'mnist', 'fashion-mnist', 'cifar10'). */
  dataset: string;
  /** Training examples used: a class-balanced subset of this size (null = the whole training split). */
  trainSize: number | null;
  /** Test examples evaluated after every epoch: a class-balanced subset (null = the whole test split). */
  testSize: number | null;
  noise: NoiseConfig;
  model: ModelSpec;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  epochs: number;
  batchSize: number;
  /** Augmentation, off by default (it slows memorization a lot, docs/paper.md §3.4): random crop after
   * zero-padding by `crop` pixels (0 = off) and random horizontal flips. */
  augment: { crop: number; flip: boolean };
  /** Seed of initialization, data order and augmentation. */
  seed: number;
  /** Seed of the training/test subsets and of the label noise (default: `seed`). */
  dataSeed: number;
  /** Epochs to checkpoint besides 0 and the last: 'all' or a list (e.g. a log grid). */
  checkpoints: 'all' | number[];
  /**
   * Epochs whose four groups are evaluated into metrics.csv: 'all', or 'checkpoints' (0, the checkpoint
   * list and the last). A width-sweep point reads only its final errors, and evaluating its training and
   * test images every epoch costs about as much as training on them (environment.md, "Double descent").
   * Evaluation draws no random numbers, so the weights are the same either way.
   */
  evaluate: 'all' | 'checkpoints';
}

/** A partial config: anything left out takes its default. */
export type RunConfigInput = Partial<Omit<RunConfig, 'noise' | 'optimizer' | 'schedule' | 'augment' | 'model'>> & {
  noise?: Partial<NoiseConfig>;
  optimizer?: Partial<OptimizerConfig>;
  schedule?: Partial<ScheduleConfig> & { kind?: ScheduleConfig['kind'] };
  augment?: Partial<RunConfig['augment']>;
  model?: Partial<ModelSpec> | string;
};

const OPTIMIZER_DEFAULTS: Record<OptimizerConfig['kind'], OptimizerConfig> = {
  sgd: { kind: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  adam: { kind: 'adam', lr: 1e-3, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
};

/**
 * Defaults: a setting measured to show memorization on this 2-core machine in about two minutes
 * (environment.md, "Training speed"): 2000 MNIST images, ε = 0.5 permuted labels, the small CNN of
 * docs/small-scale.md at half width, Adam 2e-3, batch 128, 40 epochs, no augmentation. Permuted examples
 * are fitted to ≥ 90% by about epoch 30; test accuracy peaks near epoch 9 and then falls 30–35 points.
 */
export const RUN_CONFIG_DEFAULTS: RunConfig = {
  dataset: 'mnist',
  trainSize: 2000,
  testSize: null,
  noise: { kind: 'permute', epsilon: 0.5 },
  model: { family: 'cnn', width: 0.5 },
  optimizer: { ...OPTIMIZER_DEFAULTS.adam, lr: 2e-3 },
  schedule: { kind: 'constant' },
  epochs: 40,
  batchSize: 128,
  augment: { crop: 0, flip: false },
  seed: 0,
  dataSeed: 0,
  checkpoints: 'all',
  evaluate: 'all',
};

/** Most epochs a run may have (config.epochs); also the bound of every epoch list. */
export const MAX_EPOCHS = 100_000;

/**
 * Fill in defaults and validate. Every error names the offending field (`optimizer.lr`, ...).
 * Unknown fields are errors (a typo must not silently fall back to a default).
 *
 * @example
 * resolveRunConfig({ model: { family: 'mlp', depth: 2 }, epochs: 5, optimizer: { kind: 'sgd', lr: 0.05 } });
 */
export function resolveRunConfig(input: unknown): RunConfig {
  const raw = obj(input, 'config');
  checkFields(
    raw,
    'config',
    [
      'dataset',
      'trainSize',
      'testSize',
      'noise',
      'model',
      'optimizer',
      'schedule',
      'epochs',
      'batchSize',
      'augment',
      'seed',
      'dataSeed',
      'checkpoints',
      'evaluate',
    ],
    ['trainSize', 'testSize'],
  );
  const d = RUN_CONFIG_DEFAULTS;
  const dataset = raw.dataset ?? d.dataset;
  if (typeof dataset !== 'string' || dataset.trim() === '')
    throw new InputError(`config.dataset: must be a dataset name, got ${JSON.stringify(dataset)}`);

  const noiseRaw = obj(raw.noise ?? {}, 'config.noise');
  checkFields(noiseRaw, 'config.noise', ['kind', 'epsilon']);
  const noiseKind = noiseRaw.kind ?? (noiseRaw.epsilon === 0 ? 'none' : d.noise.kind);
  oneOf(noiseKind, ['permute', 'symmetric', 'none'], 'config.noise.kind');
  const epsilon = noiseKind === 'none' ? 0 : (noiseRaw.epsilon ?? d.noise.epsilon);
  num(epsilon, 'config.noise.epsilon', { min: 0, max: 1 });
  if (noiseKind === 'none' && noiseRaw.epsilon !== undefined && noiseRaw.epsilon !== 0)
    throw new InputError(`config.noise.epsilon: must be 0 (or left out) with noise.kind 'none', got ${JSON.stringify(noiseRaw.epsilon)}`);

  const optRaw = obj(raw.optimizer ?? {}, 'config.optimizer');
  checkFields(optRaw, 'config.optimizer', ['kind', 'lr', 'momentum', 'weightDecay', 'beta1', 'beta2', 'epsilon']);
  const optKind = optRaw.kind ?? d.optimizer.kind;
  oneOf(optKind, ['sgd', 'adam'], 'config.optimizer.kind');
  // The default optimizer's own settings apply when its kind is kept; another kind starts from its defaults.
  const optBase = optKind === d.optimizer.kind ? d.optimizer : OPTIMIZER_DEFAULTS[optKind as OptimizerConfig['kind']];
  const optimizer = { ...optBase, ...defined(optRaw) } as OptimizerConfig;
  num(optimizer.lr, 'config.optimizer.lr', { min: 0, exclusiveMin: true });
  num(optimizer.momentum, 'config.optimizer.momentum', { min: 0, max: 1, exclusiveMax: true });
  num(optimizer.weightDecay, 'config.optimizer.weightDecay', { min: 0 });
  num(optimizer.beta1, 'config.optimizer.beta1', { min: 0, max: 1, exclusiveMax: true });
  num(optimizer.beta2, 'config.optimizer.beta2', { min: 0, max: 1, exclusiveMax: true });
  num(optimizer.epsilon, 'config.optimizer.epsilon', { min: 0, exclusiveMin: true });

  const schRaw = obj(raw.schedule ?? {}, 'config.schedule');
  const schKind = schRaw.kind ?? 'constant';
  oneOf(schKind, ['constant', 'step', 'cosine'], 'config.schedule.kind');
  let schedule: ScheduleConfig;
  if (schKind === 'step') {
    checkFields(schRaw, 'config.schedule', ['kind', 'every', 'gamma']);
    schedule = { kind: 'step', every: (schRaw.every as number) ?? 30, gamma: (schRaw.gamma as number) ?? 0.1 };
    num(schedule.every, 'config.schedule.every', { integer: true, min: 1 });
    num(schedule.gamma, 'config.schedule.gamma', { min: 0, exclusiveMin: true });
  } else if (schKind === 'cosine') {
    checkFields(schRaw, 'config.schedule', ['kind', 'minLr']);
    schedule = { kind: 'cosine', minLr: (schRaw.minLr as number) ?? 0 };
    num(schedule.minLr, 'config.schedule.minLr', { min: 0 });
  } else {
    checkFields(schRaw, 'config.schedule', ['kind']);
    schedule = { kind: 'constant' };
  }

  const augRaw = obj(raw.augment ?? {}, 'config.augment');
  checkFields(augRaw, 'config.augment', ['crop', 'flip']);
  const augment = { ...d.augment, ...defined(augRaw) } as RunConfig['augment'];
  num(augment.crop, 'config.augment.crop', { integer: true, min: 0, max: 16 });
  if (typeof augment.flip !== 'boolean')
    throw new InputError(`config.augment.flip: must be true or false, got ${JSON.stringify(augment.flip)}`);

  const trainSize = raw.trainSize === undefined ? d.trainSize : raw.trainSize;
  if (trainSize !== null) num(trainSize, 'config.trainSize', { integer: true, min: 2 });
  const testSize = raw.testSize === undefined ? d.testSize : raw.testSize;
  if (testSize !== null) num(testSize, 'config.testSize', { integer: true, min: 1 });
  const epochs = raw.epochs ?? d.epochs;
  num(epochs, 'config.epochs', { integer: true, min: 1, max: MAX_EPOCHS });
  const batchSize = raw.batchSize ?? d.batchSize;
  num(batchSize, 'config.batchSize', { integer: true, min: 1 });
  const seed = raw.seed ?? d.seed;
  num(seed, 'config.seed', { integer: true, min: 0, max: 2 ** 32 - 1 });
  const dataSeed = raw.dataSeed ?? seed;
  num(dataSeed, 'config.dataSeed', { integer: true, min: 0, max: 2 ** 32 - 1 });

  let checkpoints: RunConfig['checkpoints'] = 'all';
  if (raw.checkpoints !== undefined && raw.checkpoints !== 'all') {
    if (!Array.isArray(raw.checkpoints))
      throw new InputError(`config.checkpoints: must be "all" or a list of epochs, got ${JSON.stringify(raw.checkpoints)}`);
    raw.checkpoints.forEach((e, i) => num(e, `config.checkpoints[${i}]`, { integer: true, min: 0 }));
    checkpoints = [...new Set(raw.checkpoints as number[])].sort((a, b) => a - b);
  }

  const evaluate = raw.evaluate ?? d.evaluate;
  oneOf(evaluate, ['all', 'checkpoints'], 'config.evaluate');

  const model = resolveModelSpec(raw.model ?? d.model, 'config.model');
  return {
    dataset: dataset.trim(),
    trainSize: trainSize as number | null,
    testSize: testSize as number | null,
    noise: { kind: noiseKind as NoiseConfig['kind'], epsilon: epsilon as number },
    model,
    optimizer,
    schedule,
    epochs: epochs as number,
    batchSize: batchSize as number,
    augment,
    seed: seed as number,
    dataSeed: dataSeed as number,
    checkpoints,
    evaluate: evaluate as RunConfig['evaluate'],
  };
}

/**
 * The fields in which two configs differ, as dotted paths with both values, e.g.
 * `optimizer.lr: 0.001 (run) vs 0.01 (now)`.
 */
export function diffConfigs(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    return keys.flatMap((k) => diffConfigs(ao[k], bo[k], path ? `${path}.${k}` : k));
  }
  return [`${path || '(config)'}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/** Learning rate of epoch `e` (0-based index of the epoch being trained). */
export function learningRateAt(config: Pick<RunConfig, 'optimizer' | 'schedule' | 'epochs'>, e: number): number {
  const lr = config.optimizer.lr;
  const s = config.schedule;
  switch (s.kind) {
    case 'constant':
      return lr;
    case 'step':
      return lr * Math.pow(s.gamma, Math.floor(e / s.every));
    case 'cosine':
      return s.minLr + ((lr - s.minLr) * (1 + Math.cos((Math.PI * e) / config.epochs))) / 2;
  }
}

/** Whether epoch `e` gets a checkpoint: always 0 and the last epoch, then 'all' or the listed ones. */
/** Whether epoch e is evaluated into metrics.csv (`config.evaluate`). */
export function isEvaluatedEpoch(config: Pick<RunConfig, 'checkpoints' | 'epochs' | 'evaluate'>, e: number): boolean {
  return config.evaluate === 'all' || isCheckpointEpoch(config, e);
}

export function isCheckpointEpoch(config: Pick<RunConfig, 'checkpoints' | 'epochs'>, e: number): boolean {
  if (e === 0 || e === config.epochs) return true;
  return config.checkpoints === 'all' || config.checkpoints.includes(e);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new InputError(`${path}: expected an object, got ${JSON.stringify(v)}`);
  return v as Record<string, unknown>;
}

function oneOf(v: unknown, allowed: string[], path: string): void {
  if (typeof v !== 'string' || !allowed.includes(v))
    throw new InputError(`${path}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
}

function num(
  v: unknown,
  path: string,
  o: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean; exclusiveMax?: boolean },
): void {
  const bad = (why: string) => new InputError(`${path}: ${why}, got ${JSON.stringify(v)}`);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('must be a number');
  if (o.integer && !Number.isInteger(v)) throw bad('must be an integer');
  if (o.min !== undefined && (o.exclusiveMin ? v <= o.min : v < o.min)) throw bad(`must be ${o.exclusiveMin ? '>' : '>='} ${o.min}`);
  if (o.max !== undefined && (o.exclusiveMax ? v >= o.max : v > o.max)) throw bad(`must be ${o.exclusiveMax ? '<' : '<='} ${o.max}`);
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
