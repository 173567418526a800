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
import { dataFingerprint, type RunData, type RunInfo } from './runData';
import { resolveRunConfig, type RunConfig } from './runConfig';

// The provenance type lives with the run's data, where prepareRunData reads it without importing this file.
export type { RunInfo } from './runData';

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
export const LABEL_COLUMNS = ['split', 'index', 'source_index', 'true_label', 'train_label', 'is_permuted', 'is_selected'];

/** What to do about a damaged metrics.csv: it is derived from the checkpoints, so training rebuilds it. */
export const METRICS_REMEDY =
  'delete it and rerun the training command (e.g. memgeo train --config RUN/config.json --out RUN) to recompute it from the checkpoints';
const LABELS_REMEDY =
  "it holds the run's noisy labels, which nothing else records: restore it from a copy, or train the run again in a new folder";

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
    rows.push({
      split: 'train',
      index: i,
      source_index: data.trainSourceIndices[i],
      true_label: noisy.trueLabel[i],
      train_label: noisy.trainLabel[i],
      is_permuted: noisy.isPermuted[i],
      is_selected: noisy.isSelected?.[i] ?? noisy.isPermuted[i],
    });
  }
  for (let i = 0; i < data.test.count; i++) {
    rows.push({
      split: 'test',
      index: i,
      source_index: data.testSourceIndices[i],
      true_label: data.test.labels[i],
      train_label: data.test.labels[i],
      is_permuted: 0,
      is_selected: 0,
    });
  }
  writeCsv(path.join(dir, RUN_FILES.labels), rows, LABEL_COLUMNS);
}

/** The noisy labels and example indices stored in `labels.csv`. */
export function readLabels(
  dir: string,
  config: RunConfig,
  info: RunInfo,
): { noisy: NoisyLabels; trainSourceIndices: Int32Array; testSourceIndices: Int32Array; testLabels: Int32Array } {
  const file = path.join(dir, RUN_FILES.labels);
  if (!fs.existsSync(file)) throw new InputError(`${dir}: ${RUN_FILES.labels} is missing; ${LABELS_REMEDY}`);
  const rows = readCsv(file, { columns: LABEL_COLUMNS, remedy: LABELS_REMEDY });
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
  return {
    noisy,
    trainSourceIndices: col(train, 'source_index'),
    testSourceIndices: col(test, 'source_index'),
    testLabels: col(test, 'true_label'),
  };
}

/** Rows of a run's metrics.csv ([] when it is missing); a damaged file is an error saying how to rebuild it. */
export function readMetrics(dir: string): Row[] {
  return readCsv(path.join(dir, RUN_FILES.metrics), { columns: METRICS_COLUMNS, remedy: METRICS_REMEDY.replace(/RUN/g, dir) });
}

/**
 * What is lost when a run has checkpoints but no metrics.csv (null when it has one): said by every
 * command that needs the test accuracy per epoch, with the command that rebuilds it.
 */
export function missingMetricsNote(dir: string, needs: string): string | null {
  if (fs.existsSync(path.join(dir, RUN_FILES.metrics)) || listCheckpointEpochs(dir).length === 0) return null;
  return `${path.join(dir, RUN_FILES.metrics)} is missing, and ${needs} need its test accuracy per epoch. Rebuild it from the checkpoints with: memgeo train --config ${path.join(dir, RUN_FILES.config)} --out ${dir}`;
}

/**
 * Check that `data` are the examples the run was trained on: the SHA-256 of its training and test
 * images and labels must equal the fingerprint stored in config.json. Runs made before memgeo stored
 * one are accepted (nothing to compare; returns false). Resume, evaluation and every analysis load
 * the data through here, so changed dataset files are never mixed with a run's checkpoints.
 */
export function checkRunData(dir: string, info: RunInfo, data: RunData): boolean {
  const stored = info?.data?.fingerprint;
  if (!stored) return false;
  const now = dataFingerprint(data);
  const changed = (['train', 'test'] as const).filter((k) => stored[k] !== now[k]);
  if (changed.length > 0) {
    throw new InputError(
      `${dir}: the ${changed.map((k) => `${k === 'train' ? 'training' : 'test'} images or labels`).join(' and ')} differ from the ones this run was trained on ` +
        `(their SHA-256 fingerprint in ${RUN_FILES.config} is ${stored[changed[0]].slice(0, 12)}..., now ${now[changed[0]].slice(0, 12)}...). ` +
        `The dataset files changed: restore the originals (memgeo datasets shows where they are read from), or train a new run on the new data.`,
    );
  }
  return true;
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
  let verified = false;
  return {
    dir,
    config,
    info,
    epochs: listCheckpointEpochs(dir),
    noisy: labels.noisy,
    trainSourceIndices: labels.trainSourceIndices,
    testSourceIndices: labels.testSourceIndices,
    metrics: () => readMetrics(dir),
    peakTestEpoch() {
      const have = new Set(listCheckpointEpochs(dir));
      let best: { epoch: number; accuracy: number } | null = null;
      for (const r of readMetrics(dir)) {
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
          throw new InputError(
            `${dir} was trained on in-memory data '${config.dataset}' (not a dataset memgeo can load); open it with openRun(dir, { data })`,
          );
        }
        cached = await loadRunDataFromLabels(config, info, labels);
      }
      if (!verified) {
        checkRunData(dir, info, cached);
        verified = true;
      }
      return cached;
    },
  };
}
