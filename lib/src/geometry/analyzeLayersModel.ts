import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/initBackend';
import { checkOptions, InputError } from '../errors';
import type { AnalysisSettings } from '../manifold/analysisSettings';
import { extractActivations, RandomProjections } from '../models/extractActivations';
import { LayersModelPoints, layersModelCheckpoints, loadLayersModelFrom, type LayersCheckpoint } from '../models/layersModelPoints';
import { MANIFOLD_KINDS } from '../noise/groupView';
import { labelNoiseFromMask } from '../noise/labelNoiseFromMask';
import { noLabelNoise } from '../noise/noLabelNoise';
import { sampleManifoldGroups } from '../noise/sampleManifolds';
import type { ManifoldKind, ManifoldSample, NoisyLabels } from '../noise/types';
import { taskProgress, type TaskProgressMode } from '../progress/taskProgress';
import { upsertCsv, type Row } from '../tables/csv';
import { gatherImages } from '../train/runData';
import { geometryRow, resolveAnalysisSettings } from './analyzeRun';
import { cellGeometry, cellSettings } from './geometryCell';
import { GEOMETRY_COLUMNS, GEOMETRY_KEY_COLUMNS, type GeometrySettingsRow } from './geometryTable';

/** Labelled examples: images (one example after another, as the model's input shape) and their true labels. */
export interface LabelledData {
  images: Float32Array | tf.Tensor;
  labels: ArrayLike<number>;
}

export interface LayersModelAnalysisOptions extends Partial<AnalysisSettings> {
  /** Analysis points: `input` and layer names (default: all of them, in the model's order). */
  layers?: string[];
  /**
   * Which examples were trained on permuted labels. memgeo's own record (`permuteLabels(...)`, or
   * `openRun(dir).noisy` of a memgeo run) — its true labels must equal `data.labels` — or the labels
   * the model was trained on with an optional mask (`labelNoiseFromMask`). Without either, every
   * example is unpermuted and only the `unpermuted` manifolds are analysed.
   */
  noisy?: NoisyLabels;
  trainLabels?: ArrayLike<number>;
  permuted?: ArrayLike<number | boolean>;
  /** Manifold types (default: all three when there is label noise, else unpermuted). */
  manifolds?: ManifoldKind[];
  /** Epoch of an in-memory model, or of a folder that is itself one checkpoint. @default 0 */
  epoch?: number;
  /** Of a folder of per-epoch checkpoints, only these epochs (default: all). */
  epochs?: number[];
  /** Base seed: draws the P classes and M examples, the projection, and is the first analysis seed. @default 0 */
  seed?: number;
  /** Examples per forward pass (bounds memory). @default 256 */
  chunkSize?: number;
  progress?: TaskProgressMode;
  /** Also upsert the rows into this geometry CSV (resumable tables); default: rows only. */
  file?: string;
}

export interface LayersModelAnalysis {
  rows: Row[];
  epochs: number[];
  layers: string[];
  samples: Partial<Record<ManifoldKind, ManifoldSample>>;
  settings: GeometrySettingsRow;
}

/** Every option `analyzeLayersModel` knows (unknown ones, e.g. `nt` for `nT`, are refused). */
const OPTIONS = [
  'P',
  'M',
  'nT',
  'seeds',
  'projectionDim',
  'mode',
  'kappa',
  'layers',
  'noisy',
  'trainLabels',
  'permuted',
  'manifolds',
  'epoch',
  'epochs',
  'seed',
  'chunkSize',
  'progress',
  'file',
] as const;

type Source = { epoch: number; model?: tf.LayersModel; checkpoint?: LayersCheckpoint };

/**
 * Manifold geometry of a network trained outside memgeo (a `tf.LayersModel`, Sequential or functional),
 * layer by layer, as `analyzeRun` measures memgeo's own runs (paper Figs. 2–3; docs/paper.md §3.5): P
 * classes × M examples per manifold type drawn once with `seed` (the same images at every epoch and
 * layer), activations extracted in chunks of `chunkSize` and projected with the same seeded Gaussian
 * matrix as memgeo's runs when wider than `projectionDim`, MFTMA over `seeds` analysis seeds, and the
 * participation ratio. Rows have the columns of `geometry.csv`.
 *
 * `models` is a model in memory, a folder saved with `model.save('file://dir')`, or a folder of such
 * folders, one per epoch (`epoch-0`, `epoch-1`, …: a run). Layers are the same at every checkpoint.
 *
 * @example
 * const noisy = permuteLabels(split.labels, 0.5, 0);            // train your model on noisy.trainLabel
 * const { rows } = await analyzeLayersModel('runs/keras', split, { noisy, layers: ['dense1', 'dense2'] });
 */
export async function analyzeLayersModel(
  models: tf.LayersModel | string,
  data: LabelledData,
  options: LayersModelAnalysisOptions = {},
): Promise<LayersModelAnalysis> {
  checkOptions(options, 'analyzeLayersModel', OPTIONS);
  await initBackend();
  const { settings, row: settingsRow } = resolveAnalysisSettings(options);
  let sources: Source[] =
    typeof models === 'string'
      ? layersModelCheckpoints(models, options.epoch ?? 0).map((c) => ({ epoch: c.epoch, checkpoint: c }))
      : [{ epoch: options.epoch ?? 0, model: models }];
  if (options.epochs) {
    const have = sources.map((s) => s.epoch);
    const absent = options.epochs.filter((e) => !have.includes(e));
    if (absent.length > 0) throw new InputError(`no checkpoint for epoch ${absent.join(', ')}; checkpoints: ${have.join(', ')}`);
    sources = sources.filter((s) => options.epochs!.includes(s.epoch));
  }
  const chunkSize = options.chunkSize ?? 256;

  const first = sources[0].model ?? (await loadLayersModelFrom(sources[0].checkpoint!.dir));
  let points: LayersModelPoints;
  try {
    points = new LayersModelPoints(first);
  } catch (err) {
    if (!sources[0].model) first.dispose();
    throw err;
  }
  const layers = options.layers ?? points.analysisPoints;
  if (layers.length === 0) throw new InputError('no layers given');
  if (new Set(layers).size !== layers.length) throw new InputError(`layers repeat: ${layers.join(', ')}`);
  for (const l of layers) points.pointIndex(l);
  const layerIndex = Object.fromEntries(layers.map((l) => [l, points.pointIndex(l)]));

  // the examples and their labels
  const images = data.images instanceof tf.Tensor ? ((await data.images.data()) as Float32Array) : data.images;
  const per = points.inputShape.reduce((a, b) => a * b, 1);
  if (images.length % per !== 0)
    throw new InputError(`images have ${images.length} values, not a whole number of examples of shape [${points.inputShape}]`);
  const count = images.length / per;
  if (data.labels.length !== count)
    throw new InputError(`labels have ${data.labels.length} entries for ${count} examples; give one true label per example`);
  const noisy = resolveNoise(data.labels, options, points.numClasses);
  const kinds = options.manifolds ?? (noisy.kind === 'none' ? ['unpermuted' as const] : [...MANIFOLD_KINDS]);
  for (const k of kinds)
    if (!MANIFOLD_KINDS.includes(k)) throw new InputError(`unknown manifold type '${k}'; choose from ${MANIFOLD_KINDS.join(', ')}`);
  const samples = sampleManifoldGroups(noisy, { P: settings.P, M: settings.M, seed: settingsRow.seed, kinds });
  const sampleImages = new Map(
    kinds.map((k) => [
      k,
      gatherImages(
        images,
        samples[k]!.indices.flatMap((ix) => Array.from(ix)),
        per,
      ),
    ]),
  );

  const progress = taskProgress('geometry', sources.length * kinds.length * layers.length, options.progress);
  const projections = new RandomProjections();
  const rows: Row[] = [];
  try {
    for (const [i, source] of sources.entries()) {
      const model = i === 0 ? first : (source.model ?? (await loadLayersModelFrom(source.checkpoint!.dir)));
      try {
        const here = i === 0 ? points : new LayersModelPoints(model);
        for (const l of layers) here.pointIndex(l);
        for (const kind of kinds) {
          const acts = await extractActivations(here, sampleImages.get(kind)!, layers, {
            chunkSize,
            projectionDim: settings.projectionDim,
            seed: settingsRow.seed,
            projections,
          });
          const cellRows: Row[] = [];
          for (const layer of layers) {
            const out = await cellGeometry(acts.get(layer)!, cellSettings(settings, settingsRow.seed));
            cellRows.push(geometryRow(source.epoch, layer, layerIndex[layer], kind, out, settingsRow));
            progress.tick(1, `epoch ${source.epoch} ${layer} ${kind}`);
          }
          if (options.file) upsertCsv(options.file, cellRows, GEOMETRY_COLUMNS, GEOMETRY_KEY_COLUMNS);
          rows.push(...cellRows);
        }
      } finally {
        if (!source.model) model.dispose();
      }
    }
  } finally {
    projections.dispose();
  }
  progress.done();
  const order = (k: unknown) => kinds.indexOf(k as ManifoldKind);
  rows.sort(
    (a, b) => Number(a.epoch) - Number(b.epoch) || Number(a.layer_index) - Number(b.layer_index) || order(a.manifold) - order(b.manifold),
  );
  return { rows, epochs: sources.map((s) => s.epoch), layers, samples, settings: settingsRow };
}

function resolveNoise(labels: ArrayLike<number>, options: LayersModelAnalysisOptions, numClasses: number): NoisyLabels {
  const n = labels.length;
  let noisy: NoisyLabels;
  if (options.noisy) {
    if (options.trainLabels || options.permuted)
      throw new InputError("give either noisy (memgeo's record of the permutation) or trainLabels/permuted, not both");
    noisy = options.noisy;
    if (noisy.trueLabel.length !== n)
      throw new InputError(`the label-noise record covers ${noisy.trueLabel.length} examples, the data has ${n}`);
    for (let i = 0; i < n; i++)
      if (noisy.trueLabel[i] !== labels[i])
        throw new InputError(
          `the label-noise record's true label at index ${i} (${noisy.trueLabel[i]}) differs from data.labels (${labels[i]}): is it the same data, in the same order?`,
        );
  } else if (options.trainLabels || options.permuted) {
    if (!options.trainLabels) throw new InputError('a permuted mask needs trainLabels (the labels the model was trained on)');
    noisy = labelNoiseFromMask(labels, options.trainLabels, options.permuted);
  } else {
    noisy = noLabelNoise(Int32Array.from(labels));
  }
  if (noisy.numClasses > numClasses)
    throw new InputError(`labels go up to class ${noisy.numClasses - 1}, but the model's output has ${numClasses} classes`);
  return noisy;
}
