import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { copyLayers, createModel, type Model } from '../models';
import { evaluateSplits, type Run, type RunData, type SplitMetric } from '../train';

/** What to rewind: the layers reverted, the checkpoint they come from, and the model they go into. */
export interface RewindOptions {
  /** Layers (stages with parameters, `Model.layerNames`) whose parameters are reverted. */
  layers: string[];
  /** Epoch of the checkpoint the layers are taken from. */
  toEpoch: number;
  /** The model every other layer comes from (default: the run's last checkpoint, the memorized model). */
  baseEpoch?: number;
}

/** Accuracies of a rewound model on the four groups of `evaluateSplits` (the columns of rewinding.csv). */
export interface RewindAccuracies {
  test_accuracy: number;
  train_unpermuted_accuracy: number;
  train_permuted_accuracy: number;
  train_restored_accuracy: number;
}

export interface RewindResult extends RewindAccuracies {
  layers: string[];
  toEpoch: number;
  baseEpoch: number;
  /** Loss, accuracy and count of each group. */
  metrics: SplitMetric[];
}

/** The rewinding units of a run's model, in forward order (stages that have parameters). */
export function runLayerNames(run: Run): string[] {
  const model = createModel(run.config.model, run.info.data.imageShape, run.info.data.numClasses, run.config.seed);
  try {
    return model.layerNames;
  } finally {
    model.dispose();
  }
}

/** The epoch of the run's last checkpoint (the memorized model rewinding starts from). */
export function finalEpoch(run: Run): number {
  if (run.epochs.length === 0) throw new InputError(`${run.dir} has no checkpoints yet; train it first`);
  return run.epochs[run.epochs.length - 1];
}

/** Clear errors for unknown layers and for epochs without a checkpoint, before anything is loaded. */
export function checkRewindOptions(run: Run, layerNames: string[], opts: RewindOptions): number {
  if (!Array.isArray(opts.layers)) throw new InputError(`rewind: layers must be a list of layer names (${layerNames.join(', ')})`);
  const unknown = opts.layers.filter((l) => !layerNames.includes(l));
  if (unknown.length > 0)
    throw new InputError(`rewind: unknown layer(s) ${unknown.join(', ')}; this model's layers are: ${layerNames.join(', ')}`);
  const baseEpoch = opts.baseEpoch ?? finalEpoch(run);
  for (const [what, epoch] of [
    ['toEpoch', opts.toEpoch],
    ['baseEpoch', baseEpoch],
  ] as const) {
    if (!Number.isInteger(epoch)) throw new InputError(`rewind: ${what} must be an integer epoch, got ${JSON.stringify(epoch)}`);
    if (!run.epochs.includes(epoch)) {
      throw new InputError(
        `rewind: ${run.dir} has no checkpoint for epoch ${epoch} (${what}); checkpoints: ${run.epochs.length ? run.epochs.join(', ') : 'none'}`,
      );
    }
  }
  return baseEpoch;
}

/**
 * The rewound model (docs/paper.md §4): the model of `baseEpoch` (default: the final, memorized one) with
 * the parameters of `layers` — kernels, biases and batch-norm scale, shift and moving statistics —
 * taken from the checkpoint of `toEpoch`. The caller disposes it.
 */
export function rewoundModel(run: Run, opts: RewindOptions): Model {
  const baseEpoch = checkRewindOptions(run, runLayerNames(run), opts);
  const model = run.loadModelAt(baseEpoch);
  if (opts.layers.length === 0 || opts.toEpoch === baseEpoch) return model;
  try {
    const source = run.loadModelAt(opts.toEpoch);
    try {
      // tidy: Model.setLayerValues leaves the clones it assigns undisposed (their data lives on in the variables).
      tf.tidy(() => copyLayers(source, model, opts.layers));
    } finally {
      source.dispose();
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** The accuracy columns of rewinding.csv from `evaluateSplits` output. */
export function rewindAccuracies(metrics: SplitMetric[]): RewindAccuracies {
  const acc = (split: SplitMetric['split']) => metrics.find((m) => m.split === split)?.accuracy ?? NaN;
  return {
    test_accuracy: acc('test'),
    train_unpermuted_accuracy: acc('train_unpermuted'),
    train_permuted_accuracy: acc('train_permuted'),
    train_restored_accuracy: acc('train_restored'),
  };
}

/**
 * Rewind `layers` of the final model to epoch `toEpoch` and evaluate it on the run's test set and on
 * its unpermuted, permuted (labels trained on: the memorization measure of Maini et al. 2023) and
 * restored (true labels of the permuted examples) training groups.
 *
 * @example
 * const run = openRun('results/default/run');
 * const peak = run.peakTestEpoch()!.epoch;
 * const r = await rewind(run, { layers: ['fc1', 'logits'], toEpoch: peak });
 * console.log(r.test_accuracy, r.train_permuted_accuracy);
 */
export async function rewind(run: Run, opts: RewindOptions & { data?: RunData; batchSize?: number }): Promise<RewindResult> {
  const model = rewoundModel(run, opts);
  try {
    const data = opts.data ?? (await run.loadData());
    const metrics = await evaluateSplits(model, data, opts.batchSize);
    return {
      layers: [...opts.layers],
      toEpoch: opts.toEpoch,
      baseEpoch: opts.baseEpoch ?? finalEpoch(run),
      ...rewindAccuracies(metrics),
      metrics,
    };
  } finally {
    model.dispose();
  }
}
