import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../backend';
import { DATASET_NAMES } from '../data';
import { checkOptions, InputError } from '../errors';
import { selectEpochs, type EpochSelection } from '../train/selectEpochs';
import { atomicWriteJsonSync, guardOutputFile, readJsonOrNull } from '../io';
import { parallelMap } from '../parallel';
import { taskProgress, type TaskProgressMode } from '../progress';
import { readCsv, upsertCsv, writeCsv, type Row } from '../tables';
import { openRun, type Run, type RunData } from '../train';
import { finalEpoch, runLayerNames } from './rewind';
import { REWIND_MODES, rewindCellKey, rewindCells, type RewindCell, type RewindMode } from './rewindCells';
import type { RewindTask, RewindTaskOutput } from './rewindWorker';

/** Columns of rewinding.csv, one row per (mode, layer or L, epoch rewound to). */
export const REWINDING_COLUMNS = [
  'mode',
  'layer',
  'layer_index',
  'L',
  'epoch',
  'test_accuracy',
  'train_unpermuted_accuracy',
  'train_permuted_accuracy',
  'train_restored_accuracy',
];
const KEY_COLUMNS = ['mode', 'L', 'layer', 'epoch'];
const REWINDING_META_KIND = 'memgeo rewinding table';

export interface RewindSweepOptions {
  /** Sweeps to run (default all three). */
  modes?: RewindMode[];
  /** Epochs to rewind to (default about 8 spread over the run); the test-accuracy peak is always included. */
  epochs?: EpochSelection;
  /** Table to write (default `<run dir>/rewinding.csv`). */
  out?: string;
  /** Worker threads (default: one per core). */
  concurrency?: number;
  progress?: TaskProgressMode;
  /** The run's data, for runs trained on in-memory data (workers cannot load those by name). */
  data?: RunData;
  batchSize?: number;
}

export interface RewindSweepResult {
  file: string;
  /** Every row of the table, sorted by mode, layer index, L and epoch. */
  rows: Row[];
  layerNames: string[];
  /** Epochs rewound to, and the final epoch the other layers come from. */
  epochs: number[];
  baseEpoch: number;
  peakEpoch: number | null;
  /** Rows measured by this call (the others were in the table already). */
  measured: number;
  /** Models evaluated by this call (rows sharing a layer set and epoch share one evaluation). */
  evaluations: number;
  seconds: number;
}

/**
 * Layer-rewinding sweeps (docs/paper.md §4, Fig. 4) into a tidy table: for each mode, each layer (or
 * block of L layers) and each chosen epoch, the final model with those layers reverted to the
 * epoch's checkpoint, evaluated on the test set and on the unpermuted, permuted (trained labels) and
 * restored (true labels) training groups.
 *
 * Resumable: rows already in the table are kept and not measured again; each epoch's rows are
 * written as soon as they are measured. The work is split by epoch over worker threads, each of
 * which loads the run's data and each checkpoint once; identical rewound models (the same layers and
 * epoch in two modes, or anything rewound to the final epoch) are evaluated once.
 */
export async function rewindSweep(runOrDir: Run | string, opts: RewindSweepOptions = {}): Promise<RewindSweepResult> {
  const t0 = performance.now();
  checkOptions(opts, 'rewindSweep', ['modes', 'epochs', 'out', 'concurrency', 'progress', 'data', 'batchSize']);
  const run = typeof runOrDir === 'string' ? openRun(runOrDir, opts.data ? { data: opts.data } : {}) : runOrDir;
  await initBackend();
  const modes = opts.modes ?? REWIND_MODES;
  if (modes.length === 0) throw new InputError('rewindSweep: no modes given');
  const baseEpoch = finalEpoch(run);
  const layerNames = runLayerNames(run);
  const peak = run.peakTestEpoch();
  const epochs = selectEpochs(opts.epochs ?? { count: 8 }, run.epochs, peak ? [peak.epoch] : []);
  const cells = rewindCells(layerNames, modes, epochs);
  const file = path.resolve(opts.out ?? path.join(run.dir, 'rewinding.csv'));

  // The run's data, checked against its fingerprint before anything is written (workers load a
  // named dataset themselves; in-memory data is passed to them).
  const loadable = (DATASET_NAMES as readonly string[]).includes(run.config.dataset);
  const runData = await run.loadData();
  const data = loadable ? undefined : runData;

  // Only memgeo's own rewinding tables are ever replaced: a table is ours when the meta file written
  // beside it says so. Rows made from another final model or another architecture would be silently
  // wrong, so such a table of ours starts over; any other file at the path is refused.
  const metaFile = file.replace(/\.csv$/, '') + '.meta.json';
  const meta = { kind: REWINDING_META_KIND, runDir: path.resolve(run.dir), baseEpoch, layers: layerNames };
  const old = readJsonOrNull(metaFile);
  const oursMeta =
    old !== null && (old.kind === REWINDING_META_KIND || (old.kind === undefined && 'baseEpoch' in old && Array.isArray(old.layers)));
  const why = `no ${path.basename(metaFile)} written by memgeo rewind lies beside it`;
  guardOutputFile(file, { what: 'a rewinding table', isOurs: () => oursMeta, why });
  guardOutputFile(metaFile, {
    what: 'the meta file of a rewinding table',
    isOurs: () => oursMeta,
    why: 'it is not the meta file of a memgeo rewinding table',
  });
  if (fs.existsSync(file) && (old!.baseEpoch !== meta.baseEpoch || JSON.stringify(old!.layers) !== JSON.stringify(meta.layers)))
    fs.rmSync(file);
  atomicWriteJsonSync(metaFile, meta);

  const have = new Set(readCsv(file, { columns: REWINDING_COLUMNS }).map((r) => rewindCellKey(r)));
  const todo = cells.filter((c) => !have.has(rewindCellKey(c)));

  // One task per epoch: a worker loads that checkpoint once and evaluates each distinct layer set.
  const byEpoch = new Map<number, { cells: RewindCell[]; sets: Map<string, string[]> }>();
  for (const c of todo) {
    const g = byEpoch.get(c.epoch) ?? { cells: [] as RewindCell[], sets: new Map<string, string[]>() };
    byEpoch.set(c.epoch, g);
    g.cells.push(c);
    const k = setKey(c, baseEpoch);
    if (!g.sets.has(k)) g.sets.set(k, c.epoch === baseEpoch ? [] : c.layers);
  }
  const groups = [...byEpoch.entries()];
  const tasks: RewindTask[] = groups.map(([epoch, g]) => ({
    runDir: run.dir,
    baseEpoch,
    epoch,
    sets: [...g.sets.values()],
    data,
    batchSize: opts.batchSize,
  }));
  const evaluations = tasks.reduce((a, t) => a + t.sets.length, 0);

  const progress = taskProgress('rewinding', todo.length, opts.progress);
  if (todo.length < cells.length) progress.log(`rewinding: ${cells.length - todo.length} of ${cells.length} rows already in ${file}`);
  await parallelMap<RewindTask, RewindTaskOutput>(
    tasks,
    { module: path.join(__dirname, 'rewindWorker.js'), exportName: 'evaluateRewindTask' },
    {
      concurrency: opts.concurrency,
      env: { ...process.env, MEMGEO_QUIET: '1' },
      onResult: (_done, _total, index, output) => {
        const [epoch, g] = groups[index];
        const keys = [...g.sets.keys()];
        const rows: Row[] = g.cells.map((c) => {
          const acc = output.accuracies[keys.indexOf(setKey(c, baseEpoch))];
          return { mode: c.mode, layer: c.layer, layer_index: c.layer_index, L: c.L, epoch: c.epoch, ...acc };
        });
        upsertCsv(file, rows, REWINDING_COLUMNS, KEY_COLUMNS);
        progress.tick(rows.length, `epoch ${epoch}`);
      },
    },
  );
  const rows = sortRows(readCsv(file, { columns: REWINDING_COLUMNS }));
  writeCsv(file, rows, REWINDING_COLUMNS);
  progress.done(`${evaluations} models evaluated`);
  return {
    file,
    rows,
    layerNames,
    epochs,
    baseEpoch,
    peakEpoch: peak?.epoch ?? null,
    measured: todo.length,
    evaluations,
    seconds: (performance.now() - t0) / 1000,
  };
}

function setKey(c: RewindCell, baseEpoch: number): string {
  return c.epoch === baseEpoch ? '' : [...c.layers].sort().join(',');
}

const MODE_ORDER: Record<string, number> = { single: 0, last: 1, first: 2 };

function sortRows(rows: Row[]): Row[] {
  return [...rows].sort(
    (a, b) =>
      (MODE_ORDER[String(a.mode)] ?? 9) - (MODE_ORDER[String(b.mode)] ?? 9) ||
      Number(a.layer_index) - Number(b.layer_index) ||
      Number(a.L) - Number(b.L) ||
      Number(a.epoch) - Number(b.epoch),
  );
}
