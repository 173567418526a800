import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { DATASET_NAMES } from '../data';
import { checkOptions, InputError } from '../errors';
import { defaultConcurrency, parallelMap } from '../parallel/workerPool';
import { taskProgress, type TaskProgressMode } from '../progress';
import { readCsv, upsertCsv, writeCsv, type Row } from '../tables/csv';
import { openRun, type Run } from '../train/runDir';
import type { RunData } from '../train/runData';
import { checkpointGradients, GRADIENT_COLUMNS, gradientRows } from './checkpointGradients';
import { layerSlices } from './gradientAccumulator';
import { gradientGroups, type GroupIndices } from './gradientGroups';
import { gradientScalingRows, gradientScalingSlopes, SCALING_COLUMNS, SLOPE_COLUMNS, validateScaling } from './gradientScaling';
import { GRADIENT_PARTS, GRADIENT_REFERENCES, partOf, type GradientPart, type GradientReference } from './parts';
import { checkSeed } from '../random/rng';

/** File names of the gradient tables in a run directory. */
export const GRADIENT_FILES = { gradients: 'gradients.csv', scaling: 'gradient_scaling.csv', slopes: 'gradient_slopes.csv' } as const;

export interface GradientAnalysisOptions {
  /** Checkpoints whose group gradients go into gradients.csv (default: every checkpoint). */
  epochs?: number[];
  /** The scaling check (gradient_scaling.csv); null to skip it. Default: ns 8…512, 5 draws, epoch 0. */
  scaling?: { ns: number[]; draws: number; epochs: number[] } | null;
  /** Seed of the scaling draws (default: the run's seed). */
  seed?: number;
  /**
   * The reference distribution ū of the split of every gradient into its label-independent and
   * label-dependent parts (`GradientReference`; default `uniform`); null computes the total only.
   * The tables record it (column `reference`); a run whose tables hold another one is refused.
   */
  reference?: GradientReference | null;
  /** Examples per backward pass (memory only; results do not depend on it). Default 256. */
  batchSize?: number;
  /** Worker threads (default: the CPU count; one epoch per task). */
  concurrency?: number;
  /** The run's data when it was trained on in-memory data (as for `openRun(dir, { data })`). */
  data?: RunData;
  progress?: TaskProgressMode;
}

export interface GradientAnalysisResult {
  /** All rows of gradients.csv, gradient_scaling.csv and gradient_slopes.csv (sorted). */
  gradients: Row[];
  scaling: Row[];
  slopes: Row[];
  /** Epochs computed by this call (the others were already in the tables). */
  computed: { gradients: number[]; scaling: number[] };
  files: { gradients: string; scaling: string; slopes: string };
  seconds: number;
}

/** One parallelMap item: the work at one checkpoint. */
export interface GradientEpochTask {
  runDir: string;
  epoch: number;
  gradients: boolean;
  scaling: { ns: number[]; draws: number; seed: number } | null;
  batchSize: number;
  reference: GradientReference | null;
  data?: RunData;
}

export interface GradientEpochResult {
  epoch: number;
  gradients: Row[];
  scaling: Row[];
  seconds: number;
}

const dataCache = new Map<string, Promise<RunData>>();

/** parallelMap task (runs in a worker thread): group gradients and/or the scaling check at one checkpoint. */
export async function gradientEpochTask(task: GradientEpochTask): Promise<GradientEpochResult> {
  const t0 = performance.now();
  await initBackend();
  const run = openRun(task.runDir, task.data ? { data: task.data } : {});
  let data = task.data ? Promise.resolve(task.data) : dataCache.get(task.runDir);
  if (!data) dataCache.set(task.runDir, (data = run.loadData()));
  const d = await data;
  const groups = gradientGroups(run.noisy);
  const labels = run.noisy.trainLabel;
  const model = run.loadModelAt(task.epoch);
  try {
    const gradients = task.gradients
      ? gradientRows(checkpointGradients(model, d.train.images, labels, groups, task.batchSize, task.reference), task.epoch)
      : [];
    const scaling = task.scaling
      ? gradientScalingRows(model, d.train.images, labels, scalingGroups(groups), task.epoch, {
          ...task.scaling,
          batchSize: task.batchSize,
          reference: task.reference,
        })
      : [];
    return { epoch: task.epoch, gradients, scaling, seconds: (performance.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}

/** The groups of the scaling check: unpermuted and permuted (the unchanged-by-chance few are left out). */
function scalingGroups(groups: GroupIndices[]): GroupIndices[] {
  return groups.filter((g) => g.group === 'unpermuted' || g.group === 'permuted');
}

/**
 * Gradient contributions of permuted and unpermuted examples over a run's checkpoints (docs/paper.md
 * §6, Fig. 6), of the total gradient and of its label-independent and label-dependent parts
 * (`GradientPart`, column `part`): writes `gradients.csv` (see `gradientRows`),
 * `gradient_scaling.csv` (see `gradientScalingRows`) and `gradient_slopes.csv` (see
 * `gradientScalingSlopes`) into the run directory. One worker task per checkpoint, both cores;
 * resumable: epochs whose rows are already in the tables are skipped, and each finished epoch is
 * written at once. Tables written before the split (no `part` column) are recomputed.
 *
 * @example
 * const { gradients, slopes } = await analyzeRunGradients('results/default/run', { scaling: { ns: [8, 32, 128, 512], draws: 5, epochs: [0] } });
 */
export async function analyzeRunGradients(runOrDir: Run | string, options: GradientAnalysisOptions = {}): Promise<GradientAnalysisResult> {
  const t0 = performance.now();
  checkOptions(options, 'analyzeRunGradients', ['epochs', 'scaling', 'seed', 'reference', 'batchSize', 'concurrency', 'data', 'progress']);
  if (options.seed !== undefined) checkSeed(options.seed, 'analyzeRunGradients: seed');
  const run = typeof runOrDir === 'string' ? openRun(runOrDir, options.data ? { data: options.data } : {}) : runOrDir;
  if (run.epochs.length === 0) throw new InputError(`${run.dir}: the run has no checkpoints`);
  const checkEpochs = (list: number[], what: string) => {
    const missing = list.filter((e) => !run.epochs.includes(e));
    if (missing.length)
      throw new InputError(`${what}: no checkpoint for epoch(s) ${missing.join(', ')} (checkpoints: ${run.epochs.join(', ')})`);
    return [...new Set(list)].sort((a, b) => a - b);
  };
  const epochs = checkEpochs(options.epochs ?? run.epochs, 'gradients');
  const scalingOpt =
    options.scaling === undefined ? { ns: [8, 16, 32, 64, 128, 256, 512], draws: 5, epochs: [run.epochs[0]] } : options.scaling;
  const scalingEpochs = scalingOpt ? checkEpochs(scalingOpt.epochs, 'gradient scaling') : [];
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize >= 1))
    throw new InputError(`gradients: batchSize must be a positive integer, got ${batchSize}`);
  const seed = options.seed ?? run.config.seed;
  const reference = options.reference === undefined ? 'uniform' : options.reference;
  if (reference !== null && !(GRADIENT_REFERENCES as readonly string[]).includes(reference))
    throw new InputError(`gradients: unknown reference '${reference}'; known: ${GRADIENT_REFERENCES.join(', ')}`);
  const parts: readonly GradientPart[] = reference ? GRADIENT_PARTS : ['total'];
  // A run trained on in-memory data cannot be reloaded by the workers: hand them its examples
  // (openRun(dir, { data }) returns them from loadData; otherwise this names the problem).
  const data = options.data ?? ((DATASET_NAMES as readonly string[]).includes(run.config.dataset) ? undefined : await run.loadData());
  const groups = gradientGroups(run.noisy);
  const ns = scalingOpt ? validateScaling(scalingOpt.ns, scalingOpt.draws, scalingGroups(groups)) : [];

  // The analysis layers, from a model built once here (cheap), to tell which epochs are complete.
  await initBackend();
  const probe = run.loadModelAt(run.epochs[0]);
  const layers = layerSlices(probe).map((s) => s.layer);
  probe.dispose();

  const files = {
    gradients: path.join(run.dir, GRADIENT_FILES.gradients),
    scaling: path.join(run.dir, GRADIENT_FILES.scaling),
    slopes: path.join(run.dir, GRADIENT_FILES.slopes),
  };
  const have = (rows: Row[], keyOf: (r: Row) => string) => new Set(rows.map(keyOf));
  const existing = {
    gradients: currentRows(files.gradients, GRADIENT_COLUMNS, reference),
    scaling: currentRows(files.scaling, SCALING_COLUMNS, reference),
  };
  const gradKeys = have(existing.gradients, (r) => `${r.epoch}|${r.layer}|${r.group}|${r.part}`);
  const scaleKeys = have(existing.scaling, (r) => `${r.epoch}|${r.layer}|${r.group}|${r.part}|${r.n}|${r.draw}`);
  const gradGroupNames = [...groups.map((g) => g.group as string), 'full'];
  const gradDone = (e: number) => layers.every((l) => parts.every((p) => gradGroupNames.every((g) => gradKeys.has(`${e}|${l}|${g}|${p}`))));
  const scaleDone = (e: number) =>
    layers.every((l) =>
      parts.every((p) =>
        scalingGroups(groups).every((g) =>
          ns.every((n) =>
            Array.from({ length: scalingOpt!.draws }, (_, d) => d).every((d) => scaleKeys.has(`${e}|${l}|${g.group}|${p}|${n}|${d}`)),
          ),
        ),
      ),
    );
  // Tables written before the split into parts: start them afresh (their totals are recomputed too).
  if (existing.gradients.length === 0 && fs.existsSync(files.gradients)) fs.rmSync(files.gradients);
  if (existing.scaling.length === 0 && fs.existsSync(files.scaling)) fs.rmSync(files.scaling);

  const tasks: GradientEpochTask[] = [];
  for (const epoch of [...new Set([...epochs, ...scalingEpochs])].sort((a, b) => a - b)) {
    const doGrad = epochs.includes(epoch) && !gradDone(epoch);
    const doScale = scalingEpochs.includes(epoch) && !scaleDone(epoch);
    if (!doGrad && !doScale) continue;
    tasks.push({
      runDir: run.dir,
      epoch,
      gradients: doGrad,
      scaling: doScale ? { ns, draws: scalingOpt!.draws, seed } : null,
      batchSize,
      reference,
      data,
    });
  }
  // Longest first (scaling epochs), so the two workers finish together.
  tasks.sort((a, b) => Number(!!b.scaling) - Number(!!a.scaling) || a.epoch - b.epoch);

  const computed = {
    gradients: tasks
      .filter((t) => t.gradients)
      .map((t) => t.epoch)
      .sort((a, b) => a - b),
    scaling: tasks
      .filter((t) => t.scaling)
      .map((t) => t.epoch)
      .sort((a, b) => a - b),
  };
  if (tasks.length > 0) {
    const progress = taskProgress('gradients', tasks.length, options.progress);
    await parallelMap<GradientEpochTask, GradientEpochResult>(
      tasks,
      { module: __filename, exportName: 'gradientEpochTask' },
      {
        concurrency: Math.min(options.concurrency ?? defaultConcurrency(), tasks.length),
        onResult: (_done, _total, _index, out) => {
          if (out.gradients.length) upsertCsv(files.gradients, out.gradients, GRADIENT_COLUMNS, ['epoch', 'layer', 'group', 'part']);
          if (out.scaling.length) upsertCsv(files.scaling, out.scaling, SCALING_COLUMNS, ['epoch', 'layer', 'group', 'part', 'n', 'draw']);
          progress.tick(1, `epoch ${out.epoch}, ${out.seconds.toFixed(1)}s`);
        },
      },
    );
    progress.done();
  }

  const byKeys =
    (...keys: string[]) =>
    (a: Row, b: Row) => {
      for (const k of keys) {
        const [x, y] = [a[k], b[k]];
        const c =
          k === 'part'
            ? GRADIENT_PARTS.indexOf(partOf(a)) - GRADIENT_PARTS.indexOf(partOf(b))
            : typeof x === 'number' && typeof y === 'number'
              ? x - y
              : String(x).localeCompare(String(y));
        if (c !== 0) return c;
      }
      return 0;
    };
  const gradients = readCsv(files.gradients, { columns: GRADIENT_COLUMNS }).sort(byKeys('epoch', 'layer_index', 'part', 'group'));
  const scaling = readCsv(files.scaling, { columns: SCALING_COLUMNS }).sort(byKeys('epoch', 'layer_index', 'group', 'part', 'n', 'draw'));
  writeCsv(files.gradients, gradients, GRADIENT_COLUMNS);
  if (scaling.length) writeCsv(files.scaling, scaling, SCALING_COLUMNS);
  const slopes = scaling.length ? gradientScalingSlopes(scaling) : [];
  if (slopes.length) writeCsv(files.slopes, slopes, SLOPE_COLUMNS);
  return { gradients, scaling, slopes, computed, files, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The rows of an existing gradient table that this analysis can resume from: [] for a table memgeo
 * wrote before the split into parts (exactly today's columns without `part` and `reference`; it is
 * recomputed). A damaged table is an InputError (`readCsv`); one made with another reference
 * distribution is refused rather than mixed with new rows.
 */
function currentRows(file: string, columns: string[], reference: GradientReference | null): Row[] {
  if (!fs.existsSync(file)) return [];
  const header = fs.readFileSync(file, 'utf8').split('\n', 1)[0].trim();
  if (header === columns.filter((c) => c !== 'part' && c !== 'reference').join(',')) return [];
  const rows = readCsv(file, { columns });
  if (rows.length === 0) return [];
  const other = rows.find((r) => String(r.reference ?? '') !== (reference ?? ''));
  if (other)
    throw new InputError(
      `${file} holds gradients ${other.reference ? `split with reference '${other.reference}'` : 'without the split into parts'}, not ${reference ? `'${reference}'` : 'the total only'}; use the same reference or delete the gradient tables (${Object.values(GRADIENT_FILES).join(', ')}) to recompute them`,
    );
  return rows;
}
