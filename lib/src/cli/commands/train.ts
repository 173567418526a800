import { InputError } from '../../errors';
import { resolveRunConfig, train, type RunConfig } from '../../train';
import type { Command } from '../command';
import { flags, parseEpochList, parseFlags, parseNumber, parseProgress, parseSeed, parseWorkers, readJsonFlag } from '../options';

const usage = `usage: memgeo train [--config FILE] [options] [--out DIR]

Train a network on labels with noise, writing a run directory: config.json, labels.csv, metrics.csv
(epoch, split, loss, accuracy for train_unpermuted, train_permuted, train_restored, test), epochs.csv
and a checkpoint per epoch. Running the same command again resumes an interrupted run from its last
complete checkpoint; a run directory holding a different configuration is refused.

Settings come from the defaults, then --config FILE (JSON, fields of RunConfig), then these flags:
  --dataset NAME         mnist | fashion-mnist | cifar10 | ... (default mnist)
  --train-size N         class-balanced training subset (default 2000; 'all' = whole split)
  --test-size N          class-balanced test subset evaluated each epoch (default all)
  --model FAMILY         mlp | cnn | vgg | resnet18 (default cnn, width 0.5)
  --width W              mlp: units per layer; cnn, vgg: width multiplier; resnet18: k
  --depth D              mlp: hidden layers; vgg: 11, 13 or 16
  --epochs N             (default 40)
  --noise EPS            fraction of labels with noise, 0..1 (default 0.5)
  --noise-kind KIND      permute (the paper's) | symmetric | none (default permute)
  --optimizer KIND       adam | sgd (default adam)
  --lr LR                learning rate (default 2e-3 for adam, 0.01 for sgd)
  --momentum M           SGD momentum (default 0.9)
  --weight-decay WD      L2 weight decay (default 0)
  --schedule KIND        constant | step | cosine (default constant)
  --batch-size N         (default 128)
  --augment              random crop (pad 4) and horizontal flip (default off)
  --seed S               initialization and data order (default 0)
  --data-seed S          training/test subsets and label noise (default: --seed)
  --checkpoints LIST     epochs to checkpoint besides 0 and the last, e.g. 1-10,20,30 (default all)
  --out DIR              run directory (default runs/<dataset>-<model>-<noise>-seed<S>)
  --workers N            threads that train the run together (data parallel; default MEMGEO_WORKERS,
                         else the cores, as many as get enough work per shard); recorded in
                         config.json: a resume uses the stored count, another one is refused
  --fallback             if the newest checkpoint is corrupt, resume from the previous good one
  --progress MODE        bar | lines | compact | none (default: bar on a terminal, else lines)
  --print-config         print the resolved configuration as JSON and exit

Example: memgeo train --dataset mnist --train-size 2000 --model cnn --width 0.5 --epochs 20 --out runs/demo`;

export const command: Command = {
  name: 'train',
  summary: 'train a network on noisy labels with per-epoch checkpoints (resumable)',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...flags('seed', 'out', 'workers', 'progress'),
      // The number of epochs to train, not the analyses' epoch selection of the shared --epochs.
      epochs: { type: 'string' },
      config: { type: 'string' },
      dataset: { type: 'string' },
      'train-size': { type: 'string' },
      'test-size': { type: 'string' },
      model: { type: 'string' },
      width: { type: 'string' },
      depth: { type: 'string' },
      noise: { type: 'string' },
      'noise-kind': { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      momentum: { type: 'string' },
      'weight-decay': { type: 'string' },
      schedule: { type: 'string' },
      'batch-size': { type: 'string' },
      augment: { type: 'boolean' },
      'data-seed': { type: 'string' },
      checkpoints: { type: 'string' },
      fallback: { type: 'boolean' },
      'print-config': { type: 'boolean' },
    });
    const config = resolveRunConfig(configFromArgs(values));
    if (values['print-config']) {
      console.log(JSON.stringify(config, null, 2));
      return 0;
    }
    const workers = parseWorkers(values.workers);
    const progress = parseProgress(values.progress);
    const out = values.out ?? defaultOut(config);
    const result = await train(config, { out, progress, fallback: !!values.fallback, workers });
    const acc = (s: string) => result.final.find((m) => m.split === s)?.accuracy;
    const f = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));
    console.log(
      `${result.epochsTrained === 0 ? 'already complete' : `trained ${result.epochsTrained} epoch(s)${result.resumedFrom !== null ? ` (resumed from epoch ${result.resumedFrom})` : ''}`}: ${out}\n` +
        `epoch ${config.epochs}: train unpermuted ${f(acc('train_unpermuted'))}, permuted ${f(acc('train_permuted'))}, restored ${f(acc('train_restored'))}, test ${f(acc('test'))}` +
        (result.epochsTrained > 0
          ? `; ${(result.trainSeconds / result.epochsTrained).toFixed(1)} s/epoch training, ${result.wallSeconds.toFixed(0)} s in all, on ${result.backend}, ${result.workers} worker(s)`
          : ''),
    );
    return 0;
  },
};

type Values = Record<string, string | boolean | undefined>;

/** Defaults ← --config FILE ← flags, as a raw config for resolveRunConfig (which validates). */
export function configFromArgs(values: Values): Record<string, unknown> {
  let cfg: Record<string, unknown> = {};
  if (typeof values.config === 'string') {
    cfg = readJsonFlag(values.config, '--config') as Record<string, unknown>;
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg))
      throw new InputError(`--config: ${values.config} must hold a JSON object`);
    // A run's own config.json may be given (to resume or rebuild it): its 'run' section is provenance.
    if (cfg.run !== null && typeof cfg.run === 'object' && 'backend' in (cfg.run as object)) delete cfg.run;
    // The file alone must be a valid config: a null or unknown field is an error even where a flag
    // below would replace it.
    try {
      resolveRunConfig(cfg);
    } catch (err) {
      throw new InputError(`--config ${values.config}: ${(err as Error).message}`);
    }
  }
  const str = (k: string) => values[k] as string | undefined;
  const sub = (k: string) => ({ ...((cfg[k] as Record<string, unknown>) ?? {}) });
  if (str('dataset') !== undefined) cfg.dataset = str('dataset');
  if (str('train-size') !== undefined)
    cfg.trainSize = str('train-size') === 'all' ? null : parseNumber(str('train-size'), '--train-size', { integer: true, min: 2 });
  if (str('test-size') !== undefined)
    cfg.testSize = str('test-size') === 'all' ? null : parseNumber(str('test-size'), '--test-size', { integer: true, min: 1 });
  if (str('model') !== undefined || str('width') !== undefined || str('depth') !== undefined) {
    const current = typeof cfg.model === 'string' ? { family: cfg.model } : sub('model');
    const family = str('model') ?? (current.family as string | undefined) ?? 'cnn';
    const model: Record<string, unknown> = current.family === family ? current : { family };
    if (str('width') !== undefined) model.width = parseNumber(str('width'), '--width', { min: 0 });
    if (str('depth') !== undefined) model.depth = parseNumber(str('depth'), '--depth', { integer: true, min: 1 });
    cfg.model = model;
  }
  if (str('epochs') !== undefined) cfg.epochs = parseNumber(str('epochs'), '--epochs', { integer: true, min: 1 });
  if (str('noise') !== undefined || str('noise-kind') !== undefined) {
    const noise = sub('noise');
    if (str('noise') !== undefined) noise.epsilon = parseNumber(str('noise'), '--noise', { min: 0, max: 1 });
    if (str('noise-kind') !== undefined) noise.kind = str('noise-kind');
    cfg.noise = noise;
  }
  if (['optimizer', 'lr', 'momentum', 'weight-decay'].some((k) => str(k) !== undefined)) {
    const opt = sub('optimizer');
    if (str('optimizer') !== undefined) opt.kind = str('optimizer');
    if (str('lr') !== undefined) opt.lr = parseNumber(str('lr'), '--lr');
    if (str('momentum') !== undefined) opt.momentum = parseNumber(str('momentum'), '--momentum');
    if (str('weight-decay') !== undefined) opt.weightDecay = parseNumber(str('weight-decay'), '--weight-decay');
    cfg.optimizer = opt;
  }
  if (str('schedule') !== undefined)
    cfg.schedule = { ...(sub('schedule').kind === str('schedule') ? sub('schedule') : {}), kind: str('schedule') };
  if (str('batch-size') !== undefined) cfg.batchSize = parseNumber(str('batch-size'), '--batch-size', { integer: true, min: 1 });
  if (values.augment) cfg.augment = { crop: 4, flip: true };
  if (str('seed') !== undefined) cfg.seed = parseSeed(str('seed'), '--seed');
  if (str('data-seed') !== undefined) cfg.dataSeed = parseSeed(str('data-seed'), '--data-seed');
  if (str('checkpoints') !== undefined)
    cfg.checkpoints = str('checkpoints') === 'all' ? 'all' : parseEpochList(str('checkpoints')!, '--checkpoints');
  return cfg;
}

/** `runs/mnist-cnn-w1-permute0.5-seed0`: one directory per setting, so rerunning resumes. */
export function defaultOut(config: RunConfig): string {
  const m = config.model;
  const model =
    m.family === 'mlp'
      ? `mlp${m.depth}x${m.width}`
      : m.family === 'vgg'
        ? `vgg${m.depth}-w${m.width}`
        : m.family === 'resnet18'
          ? `resnet18-k${m.width}`
          : `cnn-w${m.width}`;
  const noise = config.noise.kind === 'none' ? 'clean' : `${config.noise.kind}${config.noise.epsilon}`;
  return `runs/${config.dataset}-${model}-${noise}-seed${config.seed}`.replace(/[^A-Za-z0-9._/-]+/g, '_');
}
