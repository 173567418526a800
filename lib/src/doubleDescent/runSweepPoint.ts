import * as fs from 'fs';
import * as path from 'path';
import type { AnalysisSettings } from '../manifold/analysisSettings';
import { atomicWriteJsonSync } from '../io/atomicWrite';
import { readCsv, writeCsv, type Row } from '../tables/csv';
import { checkpointFile, diffConfigs, listCheckpointEpochs, openRun, RUN_FILES, train, type RunConfig } from '../train';
import { defaultSweepLayers, sweepPointGeometry, SWEEP_GEOMETRY_COLUMNS } from './sweepPointGeometry';
import type { SweepNoiseKind, SweepPoint } from './widthSweepConfig';

/** Columns of double_descent.csv: one row per (noise kind, seed, width, layer, manifold type). */
export const DOUBLE_DESCENT_COLUMNS = [
  'noise_kind',
  'epsilon',
  'seed',
  'width',
  'params',
  'epochs',
  'train_error',
  'train_unpermuted_error',
  'train_permuted_error',
  'train_restored_error',
  'test_error',
  ...SWEEP_GEOMETRY_COLUMNS,
];

/** Files a finished point leaves in its run directory (next to the run's own files). */
export const POINT_FILES = { rows: 'double_descent_point.csv', done: 'double_descent_point.json' } as const;

export interface SweepPointTask {
  /** The sweep folder; the point's run directory is `<sweepDir>/<point.dirName>`. */
  sweepDir: string;
  point: SweepPoint;
  /** Layers to analyse (null: the last hidden layer and the logits). */
  layers: string[] | null;
  analysis: AnalysisSettings | null;
  /** Keep every checkpoint of the run (default: only epoch 0 and the last once the point is done). */
  keepCheckpoints?: boolean;
  /**
   * Threads that train a new point (data parallel): the sweep gives each of the points it trains at
   * once an equal share of the cores. A point already started keeps the count in its config.json.
   */
  workers?: number;
}

export interface SweepPointResult {
  dirName: string;
  rows: Row[];
  /** True when the point was complete before this call and nothing was computed. */
  skipped: boolean;
  /** Seconds the point took (training + analysis) in the call that computed it. */
  seconds: number;
}

interface DoneMarker {
  config: RunConfig;
  layers: string[] | null;
  analysis: AnalysisSettings | null;
  seconds: number;
  finishedAt: string;
}

/** Whether a point's run directory holds its finished result for exactly this task. */
export function isPointDone(task: SweepPointTask): boolean {
  const marker = path.join(task.sweepDir, task.point.dirName, POINT_FILES.done);
  if (!fs.existsSync(marker)) return false;
  try {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as DoneMarker;
    return (
      diffConfigs(m.config, task.point.config).length === 0 &&
      JSON.stringify(m.layers) === JSON.stringify(task.layers) &&
      JSON.stringify(m.analysis) === JSON.stringify(task.analysis)
    );
  } catch {
    return false;
  }
}

/**
 * One point of a width sweep: train (resuming an interrupted run), read the final errors, count the
 * parameters, analyse the geometry of the last layers, and record the point's rows in its run
 * directory with a done-marker. A point already done for the same task is read back, not redone.
 * Exported for worker threads (`parallelMap`): input and output are plain data.
 */
export async function runSweepPoint(task: SweepPointTask): Promise<SweepPointResult> {
  const t0 = performance.now();
  const dir = path.join(task.sweepDir, task.point.dirName);
  if (isPointDone(task)) {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, POINT_FILES.done), 'utf8')) as DoneMarker;
    return {
      dirName: task.point.dirName,
      rows: readCsv(path.join(dir, POINT_FILES.rows), { columns: DOUBLE_DESCENT_COLUMNS }),
      skipped: true,
      seconds: marker.seconds,
    };
  }
  const { config } = task.point;
  const started = fs.existsSync(path.join(dir, RUN_FILES.config));
  await train(config, { out: dir, progress: 'none', workers: started ? undefined : task.workers });
  const run = openRun(dir);
  const last = config.epochs;
  const errors = finalErrors(run.metrics(), last);
  const model = run.loadModelAt(last);
  let rows: Row[];
  try {
    const base: Row = {
      noise_kind: task.point.noiseKind as SweepNoiseKind,
      epsilon: config.noise.epsilon,
      seed: task.point.seed,
      width: task.point.width,
      params: model.numTrainable,
      epochs: last,
      ...errors,
    };
    if (!task.analysis) {
      rows = [
        {
          ...base,
          ...Object.fromEntries(SWEEP_GEOMETRY_COLUMNS.map((c) => [c, NaN])),
          layer: '',
          manifold: '',
          note: 'geometry not analysed',
        },
      ];
    } else {
      const layers = task.layers ?? defaultSweepLayers(model.analysisPoints);
      // One worker per point: the analysis runs in a nested worker while this one waits.
      rows = (await sweepPointGeometry(run, last, layers, task.analysis, 1)).map((g) => ({ ...base, ...g }));
    }
  } finally {
    model.dispose();
  }
  writeCsv(path.join(dir, POINT_FILES.rows), rows, DOUBLE_DESCENT_COLUMNS);
  const seconds = (performance.now() - t0) / 1000;
  const marker: DoneMarker = { config, layers: task.layers, analysis: task.analysis, seconds, finishedAt: new Date().toISOString() };
  atomicWriteJsonSync(path.join(dir, POINT_FILES.done), marker);
  if (!task.keepCheckpoints) {
    // Intermediate checkpoints only serve to resume an interrupted run; the sweep needs the last one.
    for (const e of listCheckpointEpochs(dir)) if (e !== 0 && e !== last) fs.rmSync(checkpointFile(dir, e), { force: true });
  }
  return { dirName: task.point.dirName, rows, skipped: false, seconds };
}

/**
 * Errors of the final epoch from metrics.csv: the training error on all examples against the labels
 * trained on (unpermuted and permuted groups weighted by their counts), per group, on the permuted
 * examples against their true labels (restored), and on the test set.
 */
export function finalErrors(
  metrics: Row[],
  epoch: number,
): Pick<Row, 'train_error' | 'train_unpermuted_error' | 'train_permuted_error' | 'train_restored_error' | 'test_error'> {
  const at = (split: string) => {
    const r = metrics.find((m) => Number(m.epoch) === epoch && m.split === split);
    if (!r) throw new Error(`metrics.csv has no '${split}' row for epoch ${epoch}`);
    return { acc: Number(r.accuracy), count: Number(r.count) };
  };
  const u = at('train_unpermuted');
  const p = at('train_permuted');
  const correct = (u.count > 0 ? u.acc * u.count : 0) + (p.count > 0 ? p.acc * p.count : 0);
  return {
    train_error: 1 - correct / (u.count + p.count),
    train_unpermuted_error: u.count > 0 ? 1 - u.acc : NaN,
    train_permuted_error: p.count > 0 ? 1 - p.acc : NaN,
    train_restored_error: p.count > 0 ? 1 - at('train_restored').acc : NaN,
    test_error: 1 - at('test').acc,
  };
}
