import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initBackend } from '../backend/initBackend';
import { checkOptions, InputError } from '../errors';
import { ANALYSIS_DEFAULTS, checkAnalysisSettings, type AnalysisSettings } from '../manifold/analysisSettings';
import { checkSeed } from '../random/rng';
import { writeNpy } from '../io/npy';
import { MANIFOLD_KINDS } from '../noise/groupView';
import { sampleManifoldGroups } from '../noise/sampleManifolds';
import type { ManifoldKind, ManifoldSample } from '../noise/types';
import { defaultConcurrency, parallelMap } from '../parallel/workerPool';
import { taskProgress, type TaskProgressMode } from '../progress/taskProgress';
import { readCsv, upsertCsv, writeCsv, type Row } from '../tables/csv';
import type { RunData } from '../train/runData';
import { gatherImages } from '../train/runData';
import type { Run } from '../train/runDir';
import { selectEpochs, type EpochSelection } from '../train/selectEpochs';
import { cellSettings, type GeometryCellInput, type GeometryCellOutput } from './geometryCell';
import { cellKey, GEOMETRY_COLUMNS, GEOMETRY_KEY_COLUMNS, sameSettings, type GeometrySettingsRow } from './geometryTable';

export interface AnalyzeRunOptions extends Partial<AnalysisSettings> {
  /** Checkpoints to analyse: 'all', a list, or {count} spread over the run (0, the test peak and the last epoch always in). @default 'all' */
  epochs?: EpochSelection;
  /** Analysis points (default: every point of the model, input … logits). */
  layers?: string[];
  /** Manifold types (default: unpermuted, permuted, restored). */
  manifolds?: ManifoldKind[];
  /** Base seed: draws the P classes and M examples, the projection, and is the first analysis seed. @default 0 */
  seed?: number;
  /** Worker threads (default: the CPU count). */
  concurrency?: number;
  /** Images per forward pass. @default 256 */
  chunkSize?: number;
  progress?: TaskProgressMode;
  /** The table (default `<run dir>/geometry.csv`). */
  file?: string;
  /** The run's examples, when they are already in memory (default: `run.loadData()`). */
  data?: RunData;
}

/** Every option `analyzeRun` knows (unknown ones, e.g. `nt` for `nT`, are refused). */
export const ANALYZE_RUN_OPTIONS = [
  'P',
  'M',
  'nT',
  'seeds',
  'projectionDim',
  'mode',
  'kappa',
  'epochs',
  'layers',
  'manifolds',
  'seed',
  'concurrency',
  'chunkSize',
  'progress',
  'file',
  'data',
] as const;

export interface AnalyzeRunResult {
  file: string;
  /** The rows of this analysis (its settings, epochs, layers, types), in epoch, layer, type order. */
  rows: Row[];
  /** Cells computed now, and cells found already in the table. */
  computed: number;
  reused: number;
  epochs: number[];
  layers: string[];
  /** Index of each analysis point (0 = input). */
  layerIndex: Record<string, number>;
  /** The examples analysed: the same at every epoch and layer. */
  samples: Partial<Record<ManifoldKind, ManifoldSample>>;
  settings: GeometrySettingsRow;
  workers: number;
  seconds: number;
}

/** Resolved analysis settings (validated), as stored in the table's setting columns. */
export function resolveAnalysisSettings(options: Partial<AnalysisSettings> & { seed?: number }): {
  settings: AnalysisSettings;
  row: GeometrySettingsRow;
} {
  const s: AnalysisSettings = { ...ANALYSIS_DEFAULTS, ...stripUndefined(options) } as AnalysisSettings;
  const seed = options.seed ?? 0;
  checkAnalysisSettings(s);
  checkSeed(seed, 'seed');
  checkSeed(seed + s.seeds - 1, `seed + seeds - 1 (the last analysis seed)`);
  return {
    settings: s,
    row: { P: s.P, M: s.M, n_t: s.nT, kappa: s.kappa, mode: s.mode, projection_dim: s.projectionDim, seed, n_seeds: s.seeds },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The epochs an option selects among the run's checkpoints (the test-accuracy peak always in a {count} selection). */
export function resolveRunEpochs(run: Run, selection: EpochSelection = 'all'): number[] {
  if (run.epochs.length === 0) throw new InputError(`${run.dir} has no checkpoints yet`);
  const peak = run.peakTestEpoch();
  return selectEpochs(selection, run.epochs, peak ? [peak.epoch] : []);
}

/** Analysis points of the run's model and their indices, checking `layers` against them. */
export async function resolveRunLayers(run: Run, layers?: string[]): Promise<{ layers: string[]; layerIndex: Record<string, number> }> {
  await initBackend();
  const model = run.loadModelAt(run.epochs[0]);
  try {
    const points = model.analysisPoints;
    const chosen = layers ?? points;
    if (chosen.length === 0) throw new InputError('no layers given');
    for (const l of chosen) model.pointIndex(l);
    if (new Set(chosen).size !== chosen.length) throw new InputError(`layers repeat: ${chosen.join(', ')}`);
    const sorted = [...chosen].sort((a, b) => points.indexOf(a) - points.indexOf(b));
    return { layers: sorted, layerIndex: Object.fromEntries(sorted.map((l) => [l, points.indexOf(l)])) };
  } finally {
    model.dispose();
  }
}

/**
 * Write the analysed examples of each manifold type (manifold after manifold, P·M images) to .npy
 * files in a fresh temp folder, for the workers. Returns the folder and the file per type.
 */
export function writeSampleImages(
  data: RunData,
  samples: Partial<Record<ManifoldKind, ManifoldSample>>,
): { dir: string; files: Partial<Record<ManifoldKind, string>> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-geometry-'));
  const [h, w, c] = data.imageShape;
  const per = h * w * c;
  const files: Partial<Record<ManifoldKind, string>> = {};
  for (const [kind, sample] of Object.entries(samples) as [ManifoldKind, ManifoldSample][]) {
    const order = sample.indices.flatMap((ix) => Array.from(ix));
    const file = path.join(dir, `${kind}.npy`);
    writeNpy(file, { shape: [order.length, h, w, c], data: gatherImages(data.train.images, order, per), dtype: 'f4' });
    files[kind] = file;
  }
  return { dir, files };
}

/**
 * Manifold geometry of a trained run across epochs and layers (paper Figs. 2–3; docs/paper.md §3.5): for
 * each checkpoint and analysis point, the three manifold types (unpermuted, permuted, restored) of
 * P classes × M training examples, sampled once with `seed` so the same images are analysed at every
 * epoch and layer. Layers wider than `projectionDim` are projected with a seeded Gaussian matrix that
 * is the same for a layer at every epoch. Each cell runs `manifoldAnalysisSeeds` (κ, n_t, `seeds`
 * analysis seeds → mean and std; stable mode by default) and the all-data participation ratio of the
 * same P·M points.
 *
 * Rows go to `geometry.csv` in the run directory (GEOMETRY_COLUMNS), one upsert per finished cell, so
 * an interrupted analysis resumes where it stopped and cells already in the table (same settings) are
 * never recomputed. Cells run in worker threads (each loads its checkpoint), on every core.
 *
 * @example
 * const run = openRun('results/default/run');
 * const { rows } = await analyzeRun(run, { epochs: { count: 8 }, M: 50, seeds: 3 });
 */
export async function analyzeRun(run: Run, options: AnalyzeRunOptions = {}): Promise<AnalyzeRunResult> {
  const t0 = performance.now();
  checkOptions(options, 'analyzeRun', ANALYZE_RUN_OPTIONS);
  const { settings, row: settingsRow } = resolveAnalysisSettings(options);
  const kinds = options.manifolds ?? [...MANIFOLD_KINDS];
  for (const k of kinds)
    if (!MANIFOLD_KINDS.includes(k)) throw new InputError(`unknown manifold type '${k}'; choose from ${MANIFOLD_KINDS.join(', ')}`);
  const chunkSize = options.chunkSize ?? 256;
  const concurrency = options.concurrency ?? defaultConcurrency();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency must be a positive integer, got ${concurrency}`);
  const epochs = resolveRunEpochs(run, options.epochs ?? 'all');
  const { layers, layerIndex } = await resolveRunLayers(run, options.layers);
  const samples = sampleManifoldGroups(run.noisy, { P: settings.P, M: settings.M, seed: settingsRow.seed, kinds });
  const file = options.file ?? path.join(run.dir, 'geometry.csv');

  const done = new Set(
    readCsv(file, { columns: GEOMETRY_COLUMNS })
      .filter((r) => sameSettings(r, settingsRow))
      .map((r) => cellKey(Number(r.epoch), String(r.layer), String(r.manifold))),
  );
  const todo: { epoch: number; layer: string; manifold: ManifoldKind }[] = [];
  for (const epoch of epochs)
    for (const manifold of kinds)
      for (const layer of layers) if (!done.has(cellKey(epoch, layer, manifold))) todo.push({ epoch, layer, manifold });
  const total = epochs.length * layers.length * kinds.length;

  if (todo.length > 0) {
    const data = options.data ?? (await run.loadData());
    const { dir, files } = writeSampleImages(data, samples);
    const progress = taskProgress('geometry', todo.length, options.progress);
    try {
      const inputs: GeometryCellInput[] = todo.map((c) => ({
        runDir: path.resolve(run.dir),
        epoch: c.epoch,
        layer: c.layer,
        manifold: c.manifold,
        imagesFile: files[c.manifold]!,
        layers,
        ...cellSettings(settings, settingsRow.seed),
        chunkSize,
      }));
      await parallelMap<GeometryCellInput, GeometryCellOutput>(
        inputs,
        { module: path.join(__dirname, 'geometryCell.js'), exportName: 'geometryCell' },
        {
          concurrency,
          env: { ...process.env, MEMGEO_QUIET: '1' },
          onResult: (_done, _total, index, out) => {
            const c = todo[index];
            upsertCsv(
              file,
              [geometryRow(c.epoch, c.layer, layerIndex[c.layer], c.manifold, out, settingsRow)],
              GEOMETRY_COLUMNS,
              GEOMETRY_KEY_COLUMNS,
            );
            progress.tick(1, `epoch ${c.epoch} ${c.layer} ${c.manifold}`);
          },
        },
      );
      progress.done(`${todo.length} cells (${total - todo.length} already in ${path.basename(file)})`);
      // Rows were appended as cells finished; store them in reading order.
      writeCsv(file, sortGeometryRows(readCsv(file, { columns: GEOMETRY_COLUMNS })), GEOMETRY_COLUMNS);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const wanted = new Set<string>();
  for (const e of epochs) for (const l of layers) for (const k of kinds) wanted.add(cellKey(e, l, k));
  const rows = readCsv(file, { columns: GEOMETRY_COLUMNS })
    .filter((r) => sameSettings(r, settingsRow) && wanted.has(cellKey(Number(r.epoch), String(r.layer), String(r.manifold))))
    .sort(
      (a, b) =>
        Number(a.epoch) - Number(b.epoch) ||
        Number(a.layer_index) - Number(b.layer_index) ||
        kinds.indexOf(a.manifold as ManifoldKind) - kinds.indexOf(b.manifold as ManifoldKind),
    );
  return {
    file,
    rows,
    computed: todo.length,
    reused: total - todo.length,
    epochs,
    layers,
    layerIndex,
    samples,
    settings: settingsRow,
    workers: Math.min(concurrency, Math.max(1, todo.length)),
    seconds: (performance.now() - t0) / 1000,
  };
}

const KIND_ORDER: Record<string, number> = { unpermuted: 0, permuted: 1, restored: 2 };

/** Geometry rows by settings, then epoch, layer index and manifold type. */
export function sortGeometryRows(rows: Row[]): Row[] {
  const settings = (r: Row) =>
    GEOMETRY_KEY_COLUMNS.slice(3)
      .map((c) => String(r[c]))
      .join('|');
  return [...rows].sort(
    (a, b) =>
      settings(a).localeCompare(settings(b)) ||
      Number(a.epoch) - Number(b.epoch) ||
      Number(a.layer_index) - Number(b.layer_index) ||
      (KIND_ORDER[String(a.manifold)] ?? 9) - (KIND_ORDER[String(b.manifold)] ?? 9),
  );
}

/** One row of geometry.csv (GEOMETRY_COLUMNS) from a cell's output and the analysis settings. */
export function geometryRow(
  epoch: number,
  layer: string,
  layerIndex: number,
  manifold: ManifoldKind,
  o: GeometryCellOutput,
  s: GeometrySettingsRow,
): Row {
  return {
    epoch,
    layer,
    layer_index: layerIndex,
    manifold,
    capacity: o.capacity,
    radius: o.radius,
    dimension: o.dimension,
    center_correlation: o.centerCorrelation,
    K: o.K,
    participation_ratio: o.participationRatio,
    capacity_std: o.capacityStd,
    radius_std: o.radiusStd,
    dimension_std: o.dimensionStd,
    n_degenerate: o.nDegenerate,
    n_features: o.nFeatures,
    ...s,
    seconds: Math.round(o.seconds * 1000) / 1000,
    note: o.note,
  };
}
