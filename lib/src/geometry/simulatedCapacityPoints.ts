import * as fs from 'fs';
import * as path from 'path';
import { checkOptions, InputError } from '../errors';
import type { AnalysisSettings } from '../manifold/analysisSettings';
import { defaultConcurrency, parallelMap } from '../parallel/workerPool';
import { taskProgress, type TaskProgressMode } from '../progress/taskProgress';
import { Rng } from '../random/rng';
import { MANIFOLD_KINDS } from '../noise/groupView';
import { sampleManifoldGroups } from '../noise/sampleManifolds';
import type { ManifoldKind, ManifoldSample } from '../noise/types';
import { readCsv, upsertCsv, writeCsv, type Row } from '../tables/csv';
import type { RunData } from '../train/runData';
import type { Run } from '../train/runDir';
import { resolveAnalysisSettings, resolveRunLayers, writeSampleImages } from './analyzeRun';
import { cellSettings, type SimcapCellInput, type SimcapCellOutput } from './geometryCell';
import { cellKey, GEOMETRY_COLUMNS, sameSettings, SIMCAP_COLUMNS, SIMCAP_KEY_COLUMNS } from './geometryTable';

/** A cell whose simulated capacity is measured. */
export interface SimcapPoint {
  epoch: number;
  layer: string;
  manifold: ManifoldKind;
}

export interface SimcapOptions extends Partial<AnalysisSettings> {
  /** The geometry analysis' base seed (examples, projection, first analysis seed); also the simulation's seed. @default 0 */
  seed?: number;
  /** How many points to choose from the geometry table, or the points themselves. @default 12 */
  points?: number | SimcapPoint[];
  /** Rows of geometry.csv to choose from (default: the run's geometry.csv, rows with these settings). */
  geometry?: Row[];
  /** Random dichotomies per N′. @default 50 */
  nRep?: number;
  /** Examples per manifold in the simulation (≤ M): a seeded subset of the geometry examples. @default min(M, 20) */
  simcapM?: number;
  concurrency?: number;
  chunkSize?: number;
  progress?: TaskProgressMode;
  /** The table (default `<run dir>/simcap.csv`). */
  file?: string;
  data?: RunData;
}

export interface SimcapResult {
  file: string;
  rows: Row[];
  points: SimcapPoint[];
  computed: number;
  reused: number;
  seconds: number;
}

/**
 * `count` cells spread evenly over the range of MFT capacity in `geometry` (quantiles of the
 * capacity-sorted cells), so the Fig. 1B scatter covers low and high capacities. Only layers with at
 * least `minFeatures` features are candidates: a layer narrower than M (the logits) has an inflated
 * capacity (docs/small-scale.md) and leaves the simulation only a few dimensions.
 */
export function chooseSimcapPoints(geometry: Row[], count: number, minFeatures: number): SimcapPoint[] {
  const cands = geometry
    .filter((r) => Number.isFinite(Number(r.capacity)) && Number(r.n_features) >= minFeatures)
    .sort(
      (a, b) =>
        Number(a.capacity) - Number(b.capacity) ||
        Number(a.epoch) - Number(b.epoch) ||
        Number(a.layer_index) - Number(b.layer_index) ||
        String(a.manifold).localeCompare(String(b.manifold)),
    );
  if (cands.length === 0 || count < 1) return [];
  const picked = new Set<number>();
  if (count === 1) picked.add(Math.floor((cands.length - 1) / 2));
  else for (let k = 0; k < count; k++) picked.add(Math.round((k * (cands.length - 1)) / (count - 1)));
  return [...picked]
    .sort((a, b) => a - b)
    .map((i) => ({ epoch: Number(cands[i].epoch), layer: String(cands[i].layer), manifold: cands[i].manifold as ManifoldKind }));
}

/** The simulation's examples: per manifold a seeded subset of `Ms` of the geometry sample's M examples. */
export function simcapSubsample(
  samples: Partial<Record<ManifoldKind, ManifoldSample>>,
  Ms: number,
  seed: number,
): Partial<Record<ManifoldKind, ManifoldSample>> {
  const out: Partial<Record<ManifoldKind, ManifoldSample>> = {};
  for (const [kind, s] of Object.entries(samples) as [ManifoldKind, ManifoldSample][]) {
    if (Ms > s.M) throw new InputError(`simcap M = ${Ms} is larger than the geometry sample's M = ${s.M}`);
    const indices = s.indices.map((ix, i) =>
      Int32Array.from(Rng.derive(seed, 'simcap-subset', kind, s.classes[i]).sample(ix.length, Ms), (j) => ix[j]).sort(),
    );
    out[kind] = { ...s, indices, M: Ms };
  }
  return out;
}

/**
 * Paper Fig. 1B, "empirical manifold capacity matches theory": for a subset of the geometry cells,
 * the simulated capacity (random dichotomies of whole manifolds, linear separability after a random
 * projection to N′ features, bisection for p = 0.5; docs/mftma.md §6) and the MFT capacity of exactly the
 * same points, into `simcap.csv` (SIMCAP_COLUMNS). Resumable per point. The simulation's cost grows
 * roughly with (P·M)³ per trial, so by default it runs on M = 20 of each manifold's geometry examples.
 */
export async function simulatedCapacityPoints(run: Run, options: SimcapOptions = {}): Promise<SimcapResult> {
  const t0 = performance.now();
  checkOptions(options, 'simulatedCapacityPoints', [
    'P',
    'M',
    'nT',
    'seeds',
    'projectionDim',
    'mode',
    'kappa',
    'seed',
    'points',
    'geometry',
    'nRep',
    'simcapM',
    'concurrency',
    'chunkSize',
    'progress',
    'file',
    'data',
  ]);
  const { settings, row: geomSettings } = resolveAnalysisSettings(options);
  const nRep = options.nRep ?? 50;
  const Ms = options.simcapM ?? Math.min(settings.M, 20);
  if (!Number.isInteger(nRep) || nRep < 1) throw new InputError(`nRep must be a positive integer, got ${nRep}`);
  if (!Number.isInteger(Ms) || Ms < 2 || Ms > settings.M)
    throw new InputError(`simcap M must be an integer in [2, M = ${settings.M}], got ${Ms}`);
  const concurrency = options.concurrency ?? defaultConcurrency();
  const file = options.file ?? path.join(run.dir, 'simcap.csv');
  let points: SimcapPoint[];
  if (Array.isArray(options.points)) {
    points = options.points;
  } else {
    const geometry = (options.geometry ?? readCsv(path.join(run.dir, 'geometry.csv'), { columns: GEOMETRY_COLUMNS })).filter((r) =>
      sameSettings(r, geomSettings),
    );
    if (geometry.length === 0)
      throw new InputError(`${run.dir}: no geometry rows with these settings to choose simcap points from; run analyzeRun first`);
    points = chooseSimcapPoints(geometry, options.points ?? 12, settings.M);
  }
  for (const p of points) {
    if (!MANIFOLD_KINDS.includes(p.manifold)) throw new InputError(`unknown manifold type '${p.manifold}'`);
    if (!run.epochs.includes(p.epoch)) throw new InputError(`${run.dir}: no checkpoint for epoch ${p.epoch}`);
  }
  const { layerIndex } = await resolveRunLayers(run, [...new Set(points.map((p) => p.layer))]);
  const settingsRow = { ...geomSettings, M: Ms, n_rep: nRep };
  const same = (r: Row) => Object.entries(settingsRow).every(([k, v]) => String(r[k]) === String(v));
  const done = new Set(
    readCsv(file, { columns: SIMCAP_COLUMNS })
      .filter(same)
      .map((r) => cellKey(Number(r.epoch), String(r.layer), String(r.manifold))),
  );
  const todo = points
    .filter((p) => !done.has(cellKey(p.epoch, p.layer, p.manifold)))
    .sort((a, b) => a.epoch - b.epoch || a.manifold.localeCompare(b.manifold));

  if (todo.length > 0) {
    const kinds = [...new Set(todo.map((p) => p.manifold))];
    const samples = simcapSubsample(
      sampleManifoldGroups(run.noisy, { P: settings.P, M: settings.M, seed: geomSettings.seed, kinds }),
      Ms,
      geomSettings.seed,
    );
    const data = options.data ?? (await run.loadData());
    const { dir, files } = writeSampleImages(data, samples);
    const progress = taskProgress('simcap', todo.length, options.progress);
    try {
      const inputs: SimcapCellInput[] = todo.map((p) => ({
        runDir: path.resolve(run.dir),
        epoch: p.epoch,
        layer: p.layer,
        manifold: p.manifold,
        imagesFile: files[p.manifold]!,
        layers: [p.layer],
        ...cellSettings(settings, geomSettings.seed),
        M: Ms,
        chunkSize: options.chunkSize ?? 256,
        nRep,
        simcapSeed: geomSettings.seed,
      }));
      await parallelMap<SimcapCellInput, SimcapCellOutput>(
        inputs,
        { module: path.join(__dirname, 'geometryCell.js'), exportName: 'simcapCell' },
        {
          concurrency,
          env: { ...process.env, MEMGEO_QUIET: '1' },
          onResult: (_d, _t, index, o) => {
            const p = todo[index];
            upsertCsv(
              file,
              [
                {
                  epoch: p.epoch,
                  layer: p.layer,
                  layer_index: layerIndex[p.layer],
                  manifold: p.manifold,
                  capacity: o.capacity,
                  capacity_std: o.capacityStd,
                  simulated_capacity: o.simulatedCapacity,
                  Nc: o.Nc,
                  n_features: o.nFeatures,
                  data_rank: o.dataRank,
                  ...settingsRow,
                  trials: o.trials,
                  seconds: Math.round(o.seconds * 1000) / 1000,
                  note: o.note,
                },
              ],
              SIMCAP_COLUMNS,
              SIMCAP_KEY_COLUMNS,
            );
            progress.tick(1, `epoch ${p.epoch} ${p.layer} ${p.manifold}`);
          },
        },
      );
      progress.done();
      const order: Record<string, number> = { unpermuted: 0, permuted: 1, restored: 2 };
      const all = readCsv(file, { columns: SIMCAP_COLUMNS }).sort(
        (a, b) =>
          Number(a.epoch) - Number(b.epoch) ||
          Number(a.layer_index) - Number(b.layer_index) ||
          (order[String(a.manifold)] ?? 9) - (order[String(b.manifold)] ?? 9),
      );
      writeCsv(file, all, SIMCAP_COLUMNS);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const want = new Set(points.map((p) => cellKey(p.epoch, p.layer, p.manifold)));
  const rows = readCsv(file, { columns: SIMCAP_COLUMNS }).filter(
    (r) => same(r) && want.has(cellKey(Number(r.epoch), String(r.layer), String(r.manifold))),
  );
  return { file, rows, points, computed: todo.length, reused: points.length - todo.length, seconds: (performance.now() - t0) / 1000 };
}
