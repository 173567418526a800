import * as fs from 'fs';
import * as path from 'path';
import { DATASET_NAMES } from '../data';
import { InputError } from '../errors';
import { atomicWriteJsonSync } from '../io';
import { createModel, type Model } from '../models';
import type { NoisyLabels } from '../noise/types';
import { readCsv, writeCsv, type Row } from '../tables';
import { readCheckpoint } from './checkpoint';
import { loadRunDataFromLabels } from './prepareRunData';
import type { RunData } from './runData';
import { resolveRunConfig, type RunConfig } from './runConfig';

/**
 * Layout of a run directory:
 * - `config.json`: the resolved `RunConfig` plus a `run` section (backend, versions, data provenance);
 * - `labels.csv`: one row per example used (split, index, source_index, true_label, train_label,
 *   is_permuted, is_selected), so analyses read back the exact permuted/unpermuted groups;
 * - `metrics.csv`: epoch, split, loss, accuracy, count (splits of `evaluateSplits`);
 * - `epochs.csv`: epoch, lr, train_loss, seconds (training), images_per_second, eval_seconds;
 * - `checkpoints/epoch-NNNN.ckpt`: weights + optimizer state after epoch N (0 = initialization).
 */
export const RUN_FILES = {
  config: 'config.json',
  labels: 'labels.csv',
  metrics: 'metrics.csv',
  epochs: 'epochs.csv',
  checkpoints: 'checkpoints',
  lock: 'run.lock',
} as const;

export const METRICS_COLUMNS = ['epoch', 'split', 'loss', 'accuracy', 'count'];
export const EPOCHS_COLUMNS = ['epoch', 'lr', 'train_loss', 'seconds', 'images_per_second', 'eval_seconds'];
const LABEL_COLUMNS = ['split', 'index', 'source_index', 'true_label', 'train_label', 'is_permuted', 'is_selected'];

/** Provenance stored next to the config; `backend` must match to resume (weights depend on it). */
export interface RunInfo {
  backend: string;
  memgeoVersion: string;
  node: string;
  createdAt: string;
  data: {
    source: string;
    imageShape: [number, number, number];
    numClasses: number;
    trainCount: number;
    testCount: number;
    permutedCount: number;
    unchangedByChance: number;
    excludeUnchanged: boolean;
    noiseSeed: number;
  };
}

export function checkpointFile(dir: string, epoch: number): string {
  return path.join(dir, RUN_FILES.checkpoints, `epoch-${String(epoch).padStart(4, '0')}.ckpt`);
}

/** Epochs that have a checkpoint file (not verified), ascending. */
export function listCheckpointEpochs(dir: string): number[] {
  const d = path.join(dir, RUN_FILES.checkpoints);
  if (!fs.existsSync(d)) return [];
  return fs
    .readdirSync(d)
    .map((f) => /^epoch-(\d+)\.ckpt$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** The stored config file: the run config plus its `run` section. */
export function readConfigFile(dir: string): { config: RunConfig; info: RunInfo } {
  const file = path.join(dir, RUN_FILES.config);
  if (!fs.existsSync(file)) throw new InputError(`${dir} is not a memgeo run directory (no ${RUN_FILES.config})`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file} does not parse as JSON: ${(err as Error).message}`);
  }
  const { run, ...rest } = raw;
  let config: RunConfig;
  try {
    config = resolveRunConfig(rest);
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  return { config, info: run as RunInfo };
}

export function writeConfigFile(dir: string, config: RunConfig, info: RunInfo): void {
  atomicWriteJsonSync(path.join(dir, RUN_FILES.config), { ...config, run: info });
}

export function writeLabels(dir: string, data: RunData): void {
  const rows: Row[] = [];
  const { noisy } = data;
  for (let i = 0; i < data.train.count; i++) {
    rows.push({ split: 'train', index: i, source_index: data.trainSourceIndices[i], true_label: noisy.trueLabel[i], train_label: noisy.trainLabel[i], is_permuted: noisy.isPermuted[i], is_selected: noisy.isSelected?.[i] ?? noisy.isPermuted[i] });
  }
  for (let i = 0; i < data.test.count; i++) {
    rows.push({ split: 'test', index: i, source_index: data.testSourceIndices[i], true_label: data.test.labels[i], train_label: data.test.labels[i], is_permuted: 0, is_selected: 0 });
  }
  writeCsv(path.join(dir, RUN_FILES.labels), rows, LABEL_COLUMNS);
}

/** The noisy labels and example indices stored in `labels.csv`. */
export function readLabels(dir: string, config: RunConfig, info: RunInfo): { noisy: NoisyLabels; trainSourceIndices: Int32Array; testSourceIndices: Int32Array; testLabels: Int32Array } {
  const file = path.join(dir, RUN_FILES.labels);
  if (!fs.existsSync(file)) throw new InputError(`${dir}: ${RUN_FILES.labels} is missing`);
  const rows = readCsv(file);
  const train = rows.filter((r) => r.split === 'train');
  const test = rows.filter((r) => r.split === 'test');
  const col = (rs: Row[], c: string) => Int32Array.from(rs, (r) => Number(r[c]));
  const noisy: NoisyLabels = {
    kind: config.noise.kind,
    epsilon: config.noise.epsilon,
    seed: info.data.noiseSeed,
    numClasses: info.data.numClasses,
    trueLabel: col(train, 'true_label'),
    trainLabel: col(train, 'train_label'),
    isPermuted: Uint8Array.from(train, (r) => Number(r.is_permuted)),
    isSelected: Uint8Array.from(train, (r) => Number(r.is_selected)),
    unchangedByChance: info.data.unchangedByChance,
    excludeUnchanged: info.data.excludeUnchanged,
  };
  return { noisy, trainSourceIndices: col(train, 'source_index'), testSourceIndices: col(test, 'source_index'), testLabels: col(test, 'true_label') };
}

/** A trained (or training) run, opened for analysis: see `openRun`. */
export interface Run {
  dir: string;
  config: RunConfig;
  info: RunInfo;
  /** Epochs with a checkpoint, ascending (0 = initialization). */
  epochs: number[];
  /** Labels of the training examples: true, trained on, permuted group. */
  noisy: NoisyLabels;
  trainSourceIndices: Int32Array;
  testSourceIndices: Int32Array;
  /** Rows of metrics.csv. */
  metrics(): Row[];
  /**
   * The checkpointed epoch with the highest test accuracy (the earliest if tied), the natural
   * target of layer rewinding (docs/paper.md §4); null before any metrics exist.
   */
  peakTestEpoch(): { epoch: number; accuracy: number } | null;
  /** A fresh model with the weights of the checkpoint of `epoch` (caller disposes it). */
  loadModelAt(epoch: number): Model;
  /** The run's training and test examples with their labels, loaded from the dataset. */
  loadData(): Promise<RunData>;
}

export interface OpenRunOptions {
  /** Use these examples instead of loading `config.dataset` (runs trained on in-memory data). */
  data?: RunData;
}

/**
 * Open a run directory: its config, checkpoint epochs, noisy labels; load models at any checkpoint.
 *
 * @example
 * const run = openRun('runs/mnist-cnn');
 * const model = run.loadModelAt(run.epochs[run.epochs.length - 1]);
 * const { train } = await run.loadData();
 */
export function openRun(dir: string, options: OpenRunOptions = {}): Run {
  const { config, info } = readConfigFile(dir);
  const labels = readLabels(dir, config, info);
  let cached: RunData | undefined = options.data;
  return {
    dir,
    config,
    info,
    epochs: listCheckpointEpochs(dir),
    noisy: labels.noisy,
    trainSourceIndices: labels.trainSourceIndices,
    testSourceIndices: labels.testSourceIndices,
    metrics: () => readCsv(path.join(dir, RUN_FILES.metrics)),
    peakTestEpoch() {
      const have = new Set(listCheckpointEpochs(dir));
      let best: { epoch: number; accuracy: number } | null = null;
      for (const r of readCsv(path.join(dir, RUN_FILES.metrics))) {
        const epoch = Number(r.epoch);
        const accuracy = Number(r.accuracy);
        if (r.split !== 'test' || !have.has(epoch) || !Number.isFinite(accuracy)) continue;
        if (!best || accuracy > best.accuracy || (accuracy === best.accuracy && epoch < best.epoch)) best = { epoch, accuracy };
      }
      return best;
    },
    loadModelAt(epoch: number): Model {
      const file = checkpointFile(dir, epoch);
      if (!fs.existsSync(file)) {
        const have = listCheckpointEpochs(dir);
        throw new InputError(`${dir}: no checkpoint for epoch ${epoch} (checkpoints: ${have.length ? have.join(', ') : 'none'})`);
      }
      const ckpt = readCheckpoint(file, { weightsOnly: true });
      const model = createModel(config.model, info.data.imageShape, info.data.numClasses, config.seed);
      try {
        model.writeWeights(ckpt.weights, file);
      } catch (err) {
        model.dispose();
        throw err;
      }
      return model;
    },
    async loadData(): Promise<RunData> {
      if (!cached) {
        if (!(DATASET_NAMES as readonly string[]).includes(config.dataset)) {
          throw new InputError(`${dir} was trained on in-memory data '${config.dataset}' (not a dataset memgeo can load); open it with openRun(dir, { data })`);
        }
        cached = await loadRunDataFromLabels(config, info, labels);
      }
      return cached;
    },
  };
}
