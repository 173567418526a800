import * as path from 'path';
import { checkOptions } from '../errors';
import { atomicWriteJsonSync } from '../io/atomicWrite';
import { guardOutputDir } from '../io/outputPath';
import { defaultConcurrency, parallelMap } from '../parallel';
import { formatSeconds, taskProgress, type TaskProgressMode } from '../progress';
import { writeCsv, type Row } from '../tables/csv';
import { doubleDescentFindings, type DoubleDescentFinding } from './doubleDescentFindings';
import { DOUBLE_DESCENT_COLUMNS, isPointDone, runSweepPoint, type SweepPointResult, type SweepPointTask } from './runSweepPoint';
import { resolveWidthSweepConfig, sweepPoints, type ResolvedWidthSweepConfig, type WidthSweepConfig } from './widthSweepConfig';

/** Files of a sweep folder (besides one run directory per point). */
export const SWEEP_FILES = { config: 'sweep.json', table: 'double_descent.csv', summary: 'double_descent_summary.json' } as const;

export interface WidthSweepOptions {
  /** The sweep folder: one run directory per (noise kind, width[, seed]) plus the table. */
  out: string;
  /** Points trained at once, each in its own worker thread (default: the CPU count, 2 here). */
  concurrency?: number;
  progress?: TaskProgressMode;
  /** Keep every checkpoint of each run (default: only epoch 0 and the last). */
  keepCheckpoints?: boolean;
}

export interface WidthSweepResult {
  out: string;
  config: ResolvedWidthSweepConfig;
  /** Path of double_descent.csv in the sweep folder. */
  table: string;
  rows: Row[];
  findings: DoubleDescentFinding[];
  /** CPU seconds of this call (all threads). */
  cpuSeconds: number;
  /** Points computed by this call and points found complete. */
  computed: number;
  skipped: number;
  seconds: number;
}

/**
 * Model-wise double descent (paper Fig. 5, docs/paper.md §5): train every width of the sweep on the same
 * noisy training set — for each label-noise kind, permuted (the paper's) and symmetric (Nakkiran et
 * al.'s) — and measure errors and the last layers' manifold geometry of each trained model. Writes
 * `double_descent.csv` (one row per noise kind, seed, width, layer and manifold type) and a summary
 * with the interpolation threshold and the test-error peak.
 *
 * Points are independent training runs and go to worker threads (`parallelMap`), widest first so the
 * longest runs do not end up last. Resumable: a finished point (its run directory holds a done-marker
 * for the same config and analysis) is read back, an interrupted one continues from its last
 * checkpoint (`train` resumes). A point whose config changed is recomputed in its run directory,
 * which `train` allows only for a larger `epochs` (training continues); other changes are refused
 * there with the differences listed.
 *
 * @example
 * const r = await widthSweep({ base: { dataset: 'mnist', trainSize: 1000, model: { family: 'cnn' }, epochs: 100 },
 *   widths: [0.125, 0.25, 0.5, 1], noiseKinds: ['permute'], analysis: null }, { out: 'runs/dd' });
 * r.findings[0].threshold;
 */
export async function widthSweep(
  input: WidthSweepConfig | ResolvedWidthSweepConfig,
  options: WidthSweepOptions,
): Promise<WidthSweepResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  checkOptions(options, 'widthSweep', ['out', 'concurrency', 'progress', 'keepCheckpoints']);
  const config = resolveWidthSweepConfig(input);
  const out = path.resolve(options.out);
  // A sweep folder is new, empty, or a sweep folder memgeo made (sweep.json); a results folder of
  // the pipeline holds its sweep in double-descent/, which is such a folder.
  guardOutputDir(out, {
    what: 'a width-sweep folder',
    refuse: (_dir, entries) =>
      entries.includes(SWEEP_FILES.config)
        ? null
        : entries.includes('config.json')
          ? 'it is a memgeo training run, not a sweep folder'
          : `it is not empty and holds no memgeo sweep (no ${SWEEP_FILES.config}; it has ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`,
  });
  atomicWriteJsonSync(path.join(out, SWEEP_FILES.config), config);
  const points = sweepPoints(config);
  // Points at once and threads per point depend only on the request, the cores and the sweep's size
  // (never on how many points are left), so that an interrupted sweep trains each point as before:
  // on 2 cores, two points at a time with one thread each; a single point gets every core.
  // The thread budget is MEMGEO_WORKERS (checked, at most the cores) or the cores.
  const budget = defaultConcurrency();
  const { concurrency, workers } = sweepThreads(options.concurrency ?? budget, points.length, budget);
  const tasks: SweepPointTask[] = points.map((point) => ({
    sweepDir: out,
    point,
    layers: config.layers,
    analysis: config.analysis,
    keepCheckpoints: options.keepCheckpoints,
    workers,
  }));
  const todo = tasks.filter((t) => !isPointDone(t));
  const progress = taskProgress('double descent: width sweep points', tasks.length, options.progress);
  progress.tick(tasks.length - todo.length, tasks.length > todo.length ? `${tasks.length - todo.length} done before` : undefined);
  const results = new Map<string, SweepPointResult>();
  if (todo.length > 0) {
    const computed = await parallelMap<SweepPointTask, SweepPointResult>(
      todo,
      { module: path.join(__dirname, 'runSweepPoint.js'), exportName: 'runSweepPoint' },
      {
        concurrency: Math.min(concurrency, todo.length),
        onResult: (_done, _total, _i, r) => progress.tick(1, `${r.dirName} in ${formatSeconds(r.seconds)}`),
      },
    );
    for (const r of computed) results.set(r.dirName, r);
  }
  // Read every point back from disk (also the ones just computed) so the table always reflects the folder.
  const all = await Promise.all(tasks.map((t) => (results.has(t.point.dirName) ? results.get(t.point.dirName)! : runSweepPoint(t))));
  const rows = all.flatMap((r) => r.rows);
  const table = path.join(out, SWEEP_FILES.table);
  writeCsv(table, rows, DOUBLE_DESCENT_COLUMNS);
  const findings = doubleDescentFindings(rows, { tolerance: config.interpolationTolerance });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of this process and its worker threads: with a busy shared machine it says more about
  // the cost than the wall time does (wall ≈ CPU / cores when the cores are free).
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const pointSeconds = Object.fromEntries(all.map((r) => [r.dirName, Math.round(r.seconds * 10) / 10]));
  atomicWriteJsonSync(path.join(out, SWEEP_FILES.summary), {
    findings,
    computed: todo.length,
    skipped: tasks.length - todo.length,
    seconds,
    cpuSeconds,
    pointSeconds,
  });
  const th = findings
    .map(
      (f) =>
        `${f.noiseKind}: threshold ${f.threshold ?? 'none'}, peak ${f.peak ? `${f.peak.width} (+${(100 * f.peak.prominence).toFixed(1)} pts)` : '-'}`,
    )
    .join('; ');
  progress.done(th);
  return { out, config, table, rows, findings, cpuSeconds, computed: todo.length, skipped: tasks.length - todo.length, seconds };
}

/**
 * How a sweep of `points` shares `cores` (the thread budget: MEMGEO_WORKERS or the cores): `concurrency` points train at once (the request, at most one
 * per point) and each new point trains on `workers` threads, ⌊cores / concurrency⌋, so that the two
 * together never oversubscribe the cores: 2 cores, 14 points → 2 at once × 1 thread; 1 point → 1 × 2.
 */
export function sweepThreads(requested: number, points: number, cores: number): { concurrency: number; workers: number } {
  const concurrency = Math.max(1, Math.min(requested, points));
  return { concurrency, workers: Math.max(1, Math.floor(cores / concurrency)) };
}
