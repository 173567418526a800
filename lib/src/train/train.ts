import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { checkOptions, InputError } from '../errors';
import { createModel, type Model } from '../models';
import { availableCores, parseWorkerCount, workersFromEnv } from '../parallel/workerCount';
import { Rng } from '../random';
import { ensureDir, guardOutputDir } from '../io';
import { readCsv, upsertCsv } from '../tables';
import { augmentBatch } from './augment';
import { crossEntropy } from './loss';
import { CheckpointError, readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
import { DataParallelTrainer } from './dataParallel';
import { evaluateSplits, type SplitMetric } from './evaluate';
import { Optimizer } from './Optimizer';
import { prepareRunData } from './prepareRunData';
import type { ProgressMode } from '../progress/progressMode';
import { ProgressReporter, type EpochReport } from './progress';
import { dataFingerprint, gatherImages, validateRunData, type RunData } from './runData';
import {
  diffConfigs,
  isCheckpointEpoch,
  isEvaluatedEpoch,
  learningRateAt,
  resolveRunConfig,
  type RunConfig,
  type RunConfigInput,
} from './runConfig';
import {
  checkpointFile,
  checkRunData,
  EPOCHS_COLUMNS,
  LABEL_COLUMNS,
  listCheckpointEpochs,
  METRICS_COLUMNS,
  readConfigFile,
  readLabels,
  readMetrics,
  RUN_FILES,
  writeConfigFile,
  writeLabels,
  type RunInfo,
} from './runDir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MEMGEO_VERSION = (require('../../package.json') as { version: string }).version;

export interface TrainOptions {
  /** Run directory (created if missing; resumed if it holds a run with the same config). */
  out: string;
  /** Train on these examples instead of loading `config.dataset` (its name must equal `config.dataset`). */
  data?: RunData;
  progress?: ProgressMode;
  /** Called after every epoch, including epoch 0 (the evaluated initialization) of a new run. */
  onEpoch?: (report: EpochReport) => void;
  /** If the newest checkpoint is unusable, resume from the newest good one instead of stopping. */
  fallback?: boolean;
  /** Batch size of evaluation passes (memory only; results do not depend on it). Default 512. */
  evalBatchSize?: number;
  /**
   * Threads that train this run together (data parallel, `DataParallelTrainer`): default
   * `MEMGEO_WORKERS`, else `defaultTrainWorkers`; capped at the cores available. The weights depend
   * on it (float rounding), so it is recorded in `config.json` and a resume uses the stored count;
   * asking for another one to resume is refused.
   */
  workers?: number;
}

export interface TrainResult {
  dir: string;
  config: RunConfig;
  backend: string;
  /** Epoch of the checkpoint the run continued from, or null for a fresh run. */
  resumedFrom: number | null;
  /** Epochs trained by this call. */
  epochsTrained: number;
  /** Threads that trained the run (1 = this thread alone). */
  workers: number;
  /** Seconds spent training (without evaluation) in this call. */
  trainSeconds: number;
  /** Seconds of the whole call: data loading, training, evaluation, checkpoints. */
  wallSeconds: number;
  /** Metrics of the last epoch. */
  final: SplitMetric[];
}

/**
 * Train a classifier on noisy labels with a checkpoint at epoch 0 and after every epoch (or the
 * configured ones), resuming an interrupted run from its last complete checkpoint.
 *
 * Reproducible: initialization, data order (`Rng.derive(seed, 'order', epoch)`) and augmentation
 * (`Rng.derive(seed, 'augment', epoch)`) depend only on the seed and the epoch, and a checkpoint holds
 * the weights, batch-norm statistics and optimizer state, so a resumed run ends with the same weights
 * as an uninterrupted one on the same backend. Files are written atomically, metrics before the
 * checkpoint of their epoch, so a crash at any moment loses at most the epoch in progress.
 *
 * @example
 * await train({ dataset: 'mnist', trainSize: 2000, model: { family: 'cnn', width: 0.5 }, epochs: 20 }, { out: 'runs/demo' });
 */
export async function train(input: RunConfigInput | RunConfig, options: TrainOptions): Promise<TrainResult> {
  checkOptions(options, 'train', ['out', 'data', 'progress', 'onEpoch', 'fallback', 'evalBatchSize', 'workers']);
  let config = resolveRunConfig(input);
  const dir = options.out;
  if (!dir) throw new InputError('train: an output directory (out) is required');
  const started = performance.now();
  const backend = await initBackend();
  let data: RunData;
  if (options.data) {
    data = options.data;
    if (data.name !== config.dataset) throw new InputError(`config.dataset is '${config.dataset}' but the data given is '${data.name}'`);
    if (config.trainSize !== null && config.trainSize !== data.train.count)
      throw new InputError(`config.trainSize is ${config.trainSize} but the data given has ${data.train.count} training examples`);
    if (config.testSize !== null && config.testSize !== data.test.count)
      throw new InputError(`config.testSize is ${config.testSize} but the data given has ${data.test.count} test examples`);
  } else {
    data = await prepareRunData(config);
  }
  validateRunData(data);

  const requested = options.workers !== undefined ? parseWorkerCount(options.workers, 'workers') : workersFromEnv();
  // The model first (its size sets the default worker count), before anything is written: one that
  // cannot be built leaves nothing behind. prepareRunDir changes no architecture (only `epochs`).
  const built = createModel(config.model, data.imageShape, data.numClasses, config.seed);
  const model: Model | null = built;
  const existed = fs.existsSync(dir);
  let release: () => void;
  try {
    // A run directory is new, empty, or holds a memgeo run (prepareRunDir compares it); anything else
    // is refused before a file is written.
    guardOutputDir(dir, { what: 'a run directory', refuse: foreignRunDirReason });
    release = acquireLock(dir);
  } catch (err) {
    built.dispose();
    throw err;
  }
  let opt: Optimizer | null = null;
  let dp: DataParallelTrainer | null = null;
  let fresh = false;
  try {
    const prepared = prepareRunDir(
      dir,
      config,
      backend,
      data,
      (m) => process.stderr.write(`memgeo train: ${m}\n`),
      requested,
      () => defaultTrainWorkers(config, built),
    );
    config = prepared.config;
    fresh = prepared.fresh;
    const workers = prepared.workers;
    removeStaleTemporaries(dir);
    const progress = new ProgressReporter(options.progress ?? 'auto', config.epochs, data.train.count);
    const resume = findResumePoint(dir, config, !!options.fallback, (m) => progress.note(m));

    opt = new Optimizer(config.optimizer, model.params);
    const evalBatch = options.evalBatchSize ?? 512;
    if (resume) {
      model.writeWeights(resume.weights, resume.file);
      if (resume.optimizer.kind !== config.optimizer.kind)
        throw new CheckpointError(
          resume.file,
          `optimizer state is for '${resume.optimizer.kind}', the config says '${config.optimizer.kind}'`,
        );
      opt.loadState(resume.optimizer, resume.file);
    }
    if (workers > 1) dp = await DataParallelTrainer.start(model, opt, { workers, maxBatch: config.batchSize, data, backend });
    const metricsFile = path.join(dir, RUN_FILES.metrics);
    const epochsFile = path.join(dir, RUN_FILES.epochs);
    let final: SplitMetric[] = [];

    const finishEpoch = async (epoch: number, lr: number, trainLoss: number, seconds: number): Promise<void> => {
      const e0 = performance.now();
      const evaluated = isEvaluatedEpoch(config, epoch);
      if (evaluated) {
        final = dp ? await dp.evaluateSplits(data, evalBatch) : await evaluateSplits(model!, data, evalBatch);
        upsertCsv(
          metricsFile,
          final.map((m) => ({ epoch, ...m })),
          METRICS_COLUMNS,
          ['epoch', 'split'],
        );
      }
      const evalSeconds = (performance.now() - e0) / 1000;
      const ips = epoch > 0 ? data.train.count / seconds : NaN;
      upsertCsv(
        epochsFile,
        [{ epoch, lr, train_loss: trainLoss, seconds, images_per_second: ips, eval_seconds: evalSeconds }],
        EPOCHS_COLUMNS,
        ['epoch'],
      );
      let file: string | null = null;
      if (isCheckpointEpoch(config, epoch)) {
        file = checkpointFile(dir, epoch);
        const state = await opt!.readState();
        const ckpt: Checkpoint = {
          epoch,
          weights: await model!.readWeights(),
          optimizer: { kind: config.optimizer.kind, ...state },
          meta: { lr, backend, memgeoVersion: MEMGEO_VERSION },
        };
        writeCheckpoint(file, ckpt);
      }
      const report: EpochReport = {
        epoch,
        epochs: config.epochs,
        lr,
        trainLoss,
        seconds,
        imagesPerSecond: ips,
        metrics: evaluated ? final : [],
        checkpoint: file,
      };
      progress.epochDone(report);
      options.onEpoch?.(report);
    };

    let start = 0;
    if (resume) {
      start = resume.epoch;
      await rebuildMetrics(dir, config, data, start, evalBatch, (m) => progress.warn(m));
      final = readCsv(metricsFile, { columns: METRICS_COLUMNS })
        .filter((r) => r.epoch === start)
        .map((r) => ({ split: r.split, loss: Number(r.loss), accuracy: Number(r.accuracy), count: Number(r.count) }) as SplitMetric);
      if (start < config.epochs) progress.note(`memgeo train: resuming ${dir} from epoch ${start} of ${config.epochs}`);
    } else {
      await finishEpoch(0, learningRateAt(config, 0), NaN, 0);
    }

    const [h, w, c] = data.imageShape;
    const per = h * w * c;
    const n = data.train.count;
    const hasBatchNorm = model.params.some((p) => p.role === 'moving_mean');
    const vars = model.trainableVariables;
    let trainSeconds = 0;
    for (let epoch = start + 1; epoch <= config.epochs; epoch++) {
      const lr = learningRateAt(config, epoch - 1);
      const order = Rng.derive(config.seed, 'order', epoch).permutation(n);
      const augRng = Rng.derive(config.seed, 'augment', epoch);
      const augmenting = config.augment.crop > 0 || config.augment.flip;
      const t0 = performance.now();
      let lossSum = 0;
      let batches = 0;
      for (let b = 0; b < n; b += config.batchSize) {
        const idx = order.subarray(b, Math.min(n, b + config.batchSize));
        // Batch statistics of a single example are degenerate (zero variance): skip such a tail batch.
        if (idx.length < 2 && hasBatchNorm) continue;
        const xb = gatherImages(data.train.images, idx, per);
        if (augmenting) augmentBatch(xb, idx.length, data.imageShape, config.augment, augRng);
        const yb = Int32Array.from(idx, (i) => data.noisy.trainLabel[i]);
        lossSum += dp ? await dp.step(xb, yb, lr) : optimizerStep(model, opt, vars, xb, yb, lr);
        batches++;
        progress.batch(epoch, Math.min(n, b + config.batchSize), lossSum / batches, (performance.now() - t0) / 1000);
      }
      const seconds = (performance.now() - t0) / 1000;
      trainSeconds += seconds;
      await finishEpoch(epoch, lr, lossSum / batches, seconds);
    }
    return {
      dir,
      config,
      backend,
      workers,
      resumedFrom: resume ? resume.epoch : null,
      epochsTrained: Math.max(0, config.epochs - start),
      trainSeconds,
      wallSeconds: (performance.now() - started) / 1000,
      final,
    };
  } catch (err) {
    // A new run that failed before its first checkpoint (e.g. a model too large for memory) leaves
    // nothing behind, so the corrected command starts cleanly.
    if (fresh && listCheckpointEpochs(dir).length === 0) removeUnstartedRun(dir, !existed);
    throw err;
  } finally {
    await dp?.close();
    model?.dispose();
    opt?.dispose();
    release();
  }
}

export { crossEntropy };

/** One optimizer step on a batch; returns the batch loss (before the step). */
export function optimizerStep(
  model: Model,
  opt: Optimizer,
  vars: tf.Variable[],
  images: Float32Array,
  labels: Int32Array,
  lr: number,
): number {
  const [h, w, c] = model.inputShape;
  const x = tf.tensor4d(images, [labels.length, h, w, c]);
  const y = tf.tensor1d(labels, 'int32');
  try {
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x, true), y, model.numClasses), vars);
    opt.apply(grads, lr);
    const loss = value.dataSync()[0];
    value.dispose();
    tf.dispose(grads);
    return loss;
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** Why a non-empty folder is not taken as a run directory (null: it holds a run, or only memgeo's leftovers). */
function foreignRunDirReason(dir: string, entries: string[]): string | null {
  if (entries.includes(RUN_FILES.config)) return null;
  const foreign = entries.filter((f) => f !== RUN_FILES.lock && !f.startsWith('.') && !(f === RUN_FILES.labels && isOurLabels(dir)));
  if (foreign.length === 0) return null;
  return `it is not empty and holds no memgeo run (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`;
}

/** Whether `labels.csv` in `dir` is memgeo's (its header), left by a crash before config.json was written. */
function isOurLabels(dir: string): boolean {
  try {
    readCsv(path.join(dir, RUN_FILES.labels), { columns: LABEL_COLUMNS });
    return true;
  } catch {
    return false;
  }
}

/**
 * A run that never reached its first checkpoint: no checkpoint, and no metrics beyond epoch 0 (those
 * are written before epoch 0's checkpoint). A run whose checkpoints were deleted after training keeps
 * its later metrics and is not taken for one.
 */
function isUnstarted(dir: string): boolean {
  if (listCheckpointEpochs(dir).length > 0) return false;
  try {
    return readMetrics(dir).every((r) => Number(r.epoch) === 0);
  } catch {
    return false;
  }
}

/** Remove the files of a run that never reached its first checkpoint (all memgeo's own). */
function removeUnstartedRun(dir: string, removeDir: boolean): void {
  for (const f of [RUN_FILES.config, RUN_FILES.labels, RUN_FILES.metrics, RUN_FILES.epochs]) fs.rmSync(path.join(dir, f), { force: true });
  const ckpt = path.join(dir, RUN_FILES.checkpoints);
  if (fs.existsSync(ckpt) && fs.readdirSync(ckpt).length === 0) fs.rmdirSync(ckpt);
  if (removeDir && fs.readdirSync(dir).every((f) => f === RUN_FILES.lock)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Create the run directory's config and labels, or check that an existing run is the same run:
 * same config (a larger `epochs` is allowed unless the schedule depends on it), same backend, same
 * examples, labels and data fingerprint. A run with no checkpoint yet (a first epoch that failed or
 * was killed) is not a run to protect: a different config replaces it. Returns the config to use (the
 * stored one, with `epochs` possibly raised) and whether the run is new.
 */
function prepareRunDir(
  dir: string,
  config: RunConfig,
  backend: string,
  data: RunData,
  note: (m: string) => void,
  requestedWorkers: number | undefined,
  defaultWorkers: () => number,
): { config: RunConfig; fresh: boolean; workers: number } {
  const info: RunInfo = {
    backend,
    workers: requestedWorkers ?? defaultWorkers(),
    memgeoVersion: MEMGEO_VERSION,
    node: process.version,
    createdAt: new Date().toISOString(),
    data: {
      source: data.source,
      imageShape: data.imageShape,
      numClasses: data.numClasses,
      trainCount: data.train.count,
      testCount: data.test.count,
      permutedCount: data.noisy.isPermuted.reduce((a, v) => a + v, 0),
      unchangedByChance: data.noisy.unchangedByChance,
      excludeUnchanged: data.noisy.excludeUnchanged,
      noiseSeed: data.noisy.seed,
      fingerprint: dataFingerprint(data),
    },
  };
  const create = () => {
    // config.json first: a crash before labels.csv leaves a run without checkpoints, which the next
    // call replaces (see above); labels.csv is never left alone in a folder.
    ensureDir(dir);
    writeConfigFile(dir, config, info);
    writeLabels(dir, data);
    return { config, fresh: true, workers: info.workers! };
  };
  if (!fs.existsSync(path.join(dir, RUN_FILES.config))) return create();
  const unstarted = isUnstarted(dir);
  let stored: { config: RunConfig; info: RunInfo };
  try {
    stored = readConfigFile(dir);
  } catch (err) {
    if (!unstarted) throw err;
    note(`${dir}: replacing the unreadable config of a run that never reached its first checkpoint`);
    removeUnstartedRun(dir, false);
    return create();
  }
  const extendable = stored.config.schedule.kind !== 'cosine' && config.epochs > stored.config.epochs;
  const differences = diffConfigs({ ...stored.config, epochs: extendable ? config.epochs : stored.config.epochs }, config).map(
    (d) => `  ${d}`,
  );
  // Runs written before data-parallel training have no worker count: they were trained by one thread.
  const storedWorkers = stored.info?.workers ?? 1;
  if (requestedWorkers !== undefined && requestedWorkers !== storedWorkers) {
    differences.push(
      `  workers: ${storedWorkers} vs ${requestedWorkers} (the weights depend on the worker count; resume with --workers ${storedWorkers} / MEMGEO_WORKERS=${storedWorkers}, or leave both unset to use the stored count)`,
    );
  }
  if (stored.info?.backend !== backend)
    differences.push(
      `  backend: ${JSON.stringify(stored.info?.backend)} vs ${JSON.stringify(backend)} (set MEMGEO_BACKEND=${stored.info?.backend} to continue this run)`,
    );
  if (differences.length > 0 || (unstarted && !fs.existsSync(path.join(dir, RUN_FILES.labels)))) {
    if (unstarted) {
      note(`${dir} holds a run that never reached its first checkpoint; starting it again with the settings given now`);
      removeUnstartedRun(dir, false);
      return create();
    }
    throw new InputError(
      `${dir} holds a run with a different configuration (stored vs now):\n${differences.join('\n')}\nUse another output directory, or the stored settings to resume.`,
    );
  }
  const labels = readLabels(dir, stored.config, stored.info);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => v === b[i]);
  if (
    !same(labels.noisy.trainLabel, data.noisy.trainLabel) ||
    !same(labels.noisy.isPermuted, data.noisy.isPermuted) ||
    !same(labels.trainSourceIndices, data.trainSourceIndices) ||
    !same(labels.testSourceIndices, data.testSourceIndices)
  ) {
    throw new InputError(
      `${dir}: the examples or noisy labels prepared now differ from the ones stored in ${RUN_FILES.labels} (did the dataset or the label-noise code change?); refusing to mix them`,
    );
  }
  let storedInfo = stored.info;
  if (!checkRunData(dir, stored.info, data)) {
    // A run made before memgeo recorded fingerprints: nothing to compare; record the data's now.
    note(`${dir} has no data fingerprint (made by an older memgeo); recording the current data's in ${RUN_FILES.config}`);
    storedInfo = { ...stored.info, data: { ...stored.info.data, fingerprint: info.data.fingerprint } };
  }
  if (extendable || storedInfo !== stored.info) writeConfigFile(dir, extendable ? config : stored.config, storedInfo);
  return { config: extendable ? config : stored.config, fresh: false, workers: storedWorkers };
}

/**
 * Worker count of a new run when none is asked for: the cores available, but only as many shards as
 * carry enough work each. A shard's step must outweigh the fixed costs of a data-parallel step
 * (copying the gradient out and the sum back in, the barriers, every rank packing the same weights):
 * measured here (environment.md, "Training on every core"), 2 shards of 64 images cost 2% more CPU
 * than one process for cnn4 (18 M multiply-adds per image), 16–19% for mlp and cnn2 (0.7–1 M), and
 * 45% for the smoke preset's CNN (width 0.25, 0.3 M) with shards of 32. So each shard gets at least
 * 32 M multiply-adds (`multiplyAddsPerExample`) and 16 examples.
 *
 * The fixed costs grow with the parameter count, so each shard must also do at least 128
 * multiply-adds per parameter. A dense layer does one per parameter and example: since the SIMD
 * matrix products, the 784-512-512-10 MLP at batch 128 (64 per parameter on 2 shards) trains 10%
 * slower on 2 workers than on 1 (`npx memgeo bench train`), while the default preset's CNN (5.5
 * multiply-adds per parameter and image: 352 per shard) is 1.2× faster.
 */
export function defaultTrainWorkers(config: Pick<RunConfig, 'batchSize'>, model: Model): number {
  const perShard = 32e6;
  const perParameter = 128;
  const work = config.batchSize * multiplyAddsPerExample(model);
  const byWork = Math.floor(work / perShard);
  const byParameters = Math.floor(work / (perParameter * Math.max(1, model.numTrainable)));
  return Math.max(1, Math.min(availableCores(), byWork, byParameters, Math.floor(config.batchSize / 16)));
}

/**
 * Multiply-adds of one example's forward pass, roughly: each convolution kernel [k, k, c_in, c_out]
 * counts k²·c_in·c_out per pixel of its stage's input (an over-estimate for strided convolutions),
 * each dense kernel [n_in, n_out] counts n_in·n_out. The stage inputs come from one inference pass.
 */
export function multiplyAddsPerExample(model: Model): number {
  const [h, w, c] = model.inputShape;
  return tf.tidy(() => {
    let x: tf.Tensor = tf.zeros([1, h, w, c]);
    let macs = 0;
    for (const stage of model.stages) {
      const pixels = x.rank === 4 ? x.shape[1]! * x.shape[2]! : 1;
      for (const p of stage.params) {
        if (p.role !== 'kernel') continue;
        const s = p.variable.shape;
        macs += s.length === 4 ? s[0] * s[1] * s[2] * s[3] * pixels : s.reduce((a, b) => a * b, 1);
      }
      x = stage.apply(x, false);
    }
    return macs;
  });
}

/**
 * metrics.csv is derived: the rows of checkpointed epochs up to `upTo` that it lacks (deleted, or an
 * older file) are recomputed from their checkpoints, so a resumed run never silently misses epochs.
 * Epochs without a checkpoint cannot be recomputed; that is said.
 */
async function rebuildMetrics(
  dir: string,
  config: RunConfig,
  data: RunData,
  upTo: number,
  evalBatch: number,
  note: (m: string) => void,
): Promise<void> {
  const have = new Set(readMetrics(dir).map((r) => Number(r.epoch)));
  const missing: number[] = [];
  for (let e = 0; e <= upTo; e++) if (!have.has(e) && isEvaluatedEpoch(config, e)) missing.push(e);
  const checkpoints = new Set(listCheckpointEpochs(dir));
  const recompute = missing.filter((e) => checkpoints.has(e));
  const lost = missing.filter((e) => !checkpoints.has(e));
  if (recompute.length === 0 && lost.length === 0) return;
  for (const epoch of recompute) {
    const ckpt = readCheckpoint(checkpointFile(dir, epoch), { weightsOnly: true });
    const m = createModel(config.model, data.imageShape, data.numClasses, config.seed);
    try {
      m.writeWeights(ckpt.weights, checkpointFile(dir, epoch));
      const rows = await evaluateSplits(m, data, evalBatch);
      upsertCsv(
        path.join(dir, RUN_FILES.metrics),
        rows.map((r) => ({ epoch, ...r })),
        METRICS_COLUMNS,
        ['epoch', 'split'],
      );
    } finally {
      m.dispose();
    }
  }
  if (recompute.length > 0)
    note(`memgeo train: ${RUN_FILES.metrics} lacked epoch(s) ${compactList(recompute)}: recomputed from their checkpoints`);
  if (lost.length > 0)
    note(
      `memgeo train: ${RUN_FILES.metrics} lacks epoch(s) ${compactList(lost)} and their checkpoints are gone: those rows cannot be recomputed`,
    );
}

/** "0-3, 7, 9-12" */
function compactList(v: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < v.length;) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j] + 1) j++;
    parts.push(j > i ? `${v[i]}-${v[j]}` : String(v[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The newest usable checkpoint (≤ config.epochs), or null for a fresh start. */
function findResumePoint(
  dir: string,
  config: RunConfig,
  fallback: boolean,
  note: (m: string) => void,
): (Checkpoint & { file: string }) | null {
  const epochs = listCheckpointEpochs(dir)
    .filter((e) => e <= config.epochs)
    .reverse();
  for (let i = 0; i < epochs.length; i++) {
    const file = checkpointFile(dir, epochs[i]);
    try {
      const ckpt = readCheckpoint(file);
      if (ckpt.epoch !== epochs[i]) throw new CheckpointError(file, `holds epoch ${ckpt.epoch}, not ${epochs[i]}`);
      return { ...ckpt, file };
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      const older = epochs[i + 1];
      if (!fallback) {
        throw new CheckpointError(
          file,
          `${err.message.replace(/^checkpoint \S+ is unusable: /, '')}. ${older !== undefined ? `Rerun with --fallback (TrainOptions.fallback) to resume from the checkpoint of epoch ${older}` : 'No older checkpoint exists; delete the run directory to start over'}.`,
        );
      }
      const aside = `${file}.corrupt`;
      fs.renameSync(file, aside);
      note(
        `memgeo train: ${err.message}; moved it to ${path.basename(aside)} and falling back to ${older !== undefined ? `epoch ${older}` : 'a fresh start'}`,
      );
    }
  }
  return null;
}

/** Temporary files of writes that a crash interrupted (atomic writes leave `.<name>.tmp-*`). */
function removeStaleTemporaries(dir: string): void {
  for (const d of [dir, path.join(dir, RUN_FILES.checkpoints)]) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) if (f.startsWith('.') && f.includes('.tmp-')) fs.rmSync(path.join(d, f), { force: true });
  }
}

/**
 * One training process per run directory: `run.lock` holds the owner's pid. A lock left by a process
 * that no longer exists (killed) is taken over.
 */
function acquireLock(dir: string): () => void {
  const file = path.join(dir, RUN_FILES.lock);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new InputError(`${dir} is being trained by process ${pid} (${RUN_FILES.lock}); wait for it or stop it`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`${dir}: could not take ${RUN_FILES.lock}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
