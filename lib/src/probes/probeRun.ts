import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkOptions, InputError } from '../errors';
import { checkSeed } from '../random/rng';
import type { AnalyzeRunOptions } from '../geometry/analyzeRun';
import { resolveRunEpochs, resolveRunLayers } from '../geometry/analyzeRun';
import { ANALYSIS_DEFAULTS } from '../manifold/analysisSettings';
import { atomicWriteJsonSync } from '../io/atomicWrite';
import { writeNpy } from '../io/npy';
import { MANIFOLD_KINDS } from '../noise/groupView';
import type { ManifoldKind } from '../noise/types';
import { defaultConcurrency, parallelMap } from '../parallel/workerPool';
import { taskProgress, type TaskProgressMode } from '../progress/taskProgress';
import { readCsv, upsertCsv, writeCsv, type Row } from '../tables/csv';
import { gatherImages, type RunData } from '../train/runData';
import type { Run } from '../train/runDir';
import { checkKnn, KNN_METRICS } from './knn';
import type { ProbeEpochInput, ProbeEpochOutput } from './probeCell';
import { probeSamples, type ProbeSet } from './probeSamples';
import { PROBE_DEFAULTS, type ProbeSettings } from './probeSettings';

/**
 * Columns of `probes.csv`, one row per (epoch, analysis point, manifold type, probe):
 * - `probe`: `knn` (the k nearest of the P·M fitted examples vote for each held-out example: n_fit =
 *   P·M, n_eval = the held-out part), `knn_loo` (leave-one-out on the P·M fitted examples: each is
 *   classified by its k nearest others, n_fit = P·M − 1, n_eval = P·M), `linear` (multinomial logistic
 *   regression fitted on the P·M examples, evaluated on the held-out part; `k` empty);
 * - `accuracy`: share of evaluated examples whose predicted class is the type's label (true labels for
 *   unpermuted and restored, the labels trained on for permuted); chance is 1/P;
 * - `seed`: the base seed, which draws the examples (as the geometry's) and the random projection.
 */
export const PROBE_COLUMNS = ['epoch', 'layer', 'layer_index', 'manifold', 'probe', 'k', 'accuracy', 'n_fit', 'n_eval', 'seed'];
export const PROBE_KEY_COLUMNS = ['epoch', 'layer', 'manifold', 'probe', 'k', 'seed'];
/** Columns of `prediction_depth.csv`: one row per (epoch, training example); `depth` is a layer index (see probeRun). */
export const DEPTH_COLUMNS = ['epoch', 'example', 'group', 'depth'];
const DEPTH_KEY_COLUMNS = ['epoch', 'example', 'group'];
export const PROBE_KINDS = ['knn', 'knn_loo', 'linear'] as const;

export interface ProbeRunOptions extends Partial<ProbeSettings> {
  /** Checkpoints: 'all', a list, or {count} spread over the run (0, the test peak and the last epoch always in). @default {count: 6} */
  epochs?: AnalyzeRunOptions['epochs'];
  /** Analysis points (default: every point of the model). */
  layers?: string[];
  manifolds?: ManifoldKind[];
  /** Prediction depth of the unpermuted and permuted examples. @default true */
  depth?: boolean;
  concurrency?: number;
  chunkSize?: number;
  progress?: TaskProgressMode;
  /** Folder of probes.csv, prediction_depth.csv and probes.meta.json (default: the run directory). */
  out?: string;
  /** Replace tables computed with other settings (default: refuse, so that nothing is lost). */
  replace?: boolean;
  data?: RunData;
}

/** Every option `probeRun` knows (unknown ones are refused rather than ignored). */
export const PROBE_RUN_OPTIONS = [
  'P',
  'M',
  'heldOut',
  'k',
  'metric',
  'lambda',
  'iterations',
  'projectionDim',
  'seed',
  'epochs',
  'layers',
  'manifolds',
  'depth',
  'concurrency',
  'chunkSize',
  'progress',
  'out',
  'replace',
  'data',
] as const;

export interface ProbeRunResult {
  file: string;
  depthFile: string;
  rows: Row[];
  depthRows: Row[];
  epochs: number[];
  layers: string[];
  layerIndex: Record<string, number>;
  /** Epochs computed now and epochs found in the tables. */
  computed: number;
  reused: number;
  sets: Record<string, ProbeSet>;
  settings: ProbeSettings;
  workers: number;
  seconds: number;
  /** Per epoch computed now: the worker's seconds and where they went (forward passes, Grams, kNN, linear probes). */
  epochTimings: { epoch: number; seconds: number; extract: number; gram: number; knn: number; linear: number }[];
}

/**
 * Per-layer probes of a trained run (Baldock et al. 2021; Maini et al. 2023), on the examples the
 * geometry analyses, so that probe accuracy and manifold capacity read the same points. For each chosen
 * checkpoint, analysis point and manifold type (unpermuted, permuted, restored; `probeSamples`):
 * - the kNN probe (k = 30 by default, cosine or Euclidean), evaluated both leave-one-out on the P·M
 *   fitted examples and fit/eval on a held-out part of the same group (PROBE_COLUMNS);
 * - the linear probe (multinomial logistic regression, fixed λ and iterations; `linearProbeFromGram`)
 *   fitted on the P·M examples and evaluated on the held-out part;
 * and the prediction depth of each unpermuted and permuted fitted example: the kNN support set is
 * those 2·P·M examples with the labels they are trained on (leave-one-out), the network's output is the
 * argmax of its logits, and the depth is the layer index of the earliest probed layer from which every
 * later probed layer's kNN prediction equals the output (one past the last probed index when even the
 * last disagrees; `predictionDepth`). The support set holds P of the classes only, so with P < C the
 * network can predict a class no neighbour has; P = C is the intended use.
 *
 * Layers wider than `projectionDim` are projected as the geometry does (same seed, same matrix).
 * One worker task per epoch, on every core; rows of an epoch are written to `probes.csv` and
 * `prediction_depth.csv` when it finishes, so an interrupted run resumes and a rerun computes only the
 * missing epochs. The settings are kept in `probes.meta.json`: tables computed with other settings
 * (or another layer set) are never mixed with new rows; they are kept and the call refused, unless
 * `replace` says to recompute them.
 *
 * @example
 * const r = await probeRun(openRun('results/default/run'), { epochs: { count: 6 }, k: 30 });
 */
export async function probeRun(run: Run, options: ProbeRunOptions = {}): Promise<ProbeRunResult> {
  const t0 = performance.now();
  checkOptions(options, 'probeRun', PROBE_RUN_OPTIONS);
  const settings: ProbeSettings = {
    P: options.P ?? ANALYSIS_DEFAULTS.P,
    M: options.M ?? ANALYSIS_DEFAULTS.M,
    heldOut: options.heldOut ?? options.M ?? ANALYSIS_DEFAULTS.M,
    k: options.k ?? PROBE_DEFAULTS.k,
    metric: options.metric ?? PROBE_DEFAULTS.metric,
    lambda: options.lambda ?? PROBE_DEFAULTS.lambda,
    iterations: options.iterations ?? PROBE_DEFAULTS.iterations,
    projectionDim: options.projectionDim ?? ANALYSIS_DEFAULTS.projectionDim,
    seed: options.seed ?? 0,
  };
  if (!KNN_METRICS.includes(settings.metric))
    throw new InputError(`unknown kNN metric '${settings.metric}'; choose ${KNN_METRICS.join(' or ')}`);
  if (!Number.isInteger(settings.projectionDim) || settings.projectionDim < 1)
    throw new InputError(`projectionDim must be a positive integer, got ${settings.projectionDim}`);
  checkSeed(settings.seed, 'probeRun: seed');
  const kinds = options.manifolds ?? [...MANIFOLD_KINDS];
  for (const k of kinds)
    if (!MANIFOLD_KINDS.includes(k)) throw new InputError(`unknown manifold type '${k}'; choose from ${MANIFOLD_KINDS.join(', ')}`);
  const concurrency = options.concurrency ?? defaultConcurrency();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new InputError(`concurrency must be a positive integer, got ${concurrency}`);
  const withDepth = (options.depth ?? true) && kinds.some((k) => k !== 'restored');
  const epochs = resolveRunEpochs(run, options.epochs ?? { count: 6 });
  const { layers, layerIndex } = await resolveRunLayers(run, options.layers);
  const sets = probeSamples(run.noisy, { P: settings.P, M: settings.M, seed: settings.seed, kinds, heldOut: settings.heldOut });
  const depthKinds = withDepth ? kinds.filter((k) => k !== 'restored') : [];
  for (const s of Object.values(sets)) checkKnn(settings.k, s.fit.length, settings.metric, true);
  if (withDepth)
    checkKnn(
      settings.k,
      depthKinds.reduce((n, k) => n + sets[k].fit.length, 0),
      settings.metric,
      true,
    );

  const out = options.out ?? run.dir;
  const file = path.join(out, 'probes.csv');
  const depthFile = path.join(out, 'prediction_depth.csv');
  const metaFile = path.join(out, 'probes.meta.json');
  const meta = {
    ...settings,
    heldOutUsed: Object.fromEntries(kinds.map((k) => [k, sets[k].heldOutPerClass])),
    layers,
    manifolds: kinds,
    depth: withDepth,
  };
  const oldMeta = fs.existsSync(metaFile) ? fs.readFileSync(metaFile, 'utf8') : null;
  const stale =
    oldMeta !== null ? JSON.stringify(JSON.parse(oldMeta)) !== JSON.stringify(meta) : [file, depthFile].some((f) => fs.existsSync(f));
  if (stale) {
    if (!options.replace) {
      throw new InputError(
        `${out} holds probe tables computed with other settings (${oldMeta === null ? 'unknown: no probes.meta.json' : describeChange(JSON.parse(oldMeta), meta)}); pass replace: true (--replace) to recompute them, or another out folder (--out)`,
      );
    }
    for (const f of [file, depthFile]) fs.rmSync(f, { force: true });
  }
  fs.mkdirSync(out, { recursive: true });
  atomicWriteJsonSync(metaFile, meta);

  // Epochs already complete: every (layer, type, probe) row and their depth rows.
  const have = new Set(readCsv(file, { columns: PROBE_COLUMNS }).map((r) => `${r.epoch}|${r.layer}|${r.manifold}|${r.probe}`));
  const depthEpochs = new Set(readCsv(depthFile, { columns: DEPTH_COLUMNS }).map((r) => Number(r.epoch)));
  const complete = (e: number) =>
    layers.every((l) => kinds.every((k) => PROBE_KINDS.every((p) => have.has(`${e}|${l}|${k}|${p}`)))) &&
    (!withDepth || depthEpochs.has(e));
  const todo = epochs.filter((e) => !complete(e));

  // Every example any probe reads, once, in ascending order; the sets as positions into it.
  const all = [...new Set(Object.values(sets).flatMap((s) => [...s.fit, ...s.eval]))].sort((a, b) => a - b);
  const pos = new Map(all.map((ix, p) => [ix, p]));
  const toPos = (ix: Int32Array) => Int32Array.from(ix, (i) => pos.get(i)!);
  const support = withDepth
    ? {
        indices: Int32Array.from(depthKinds.flatMap((k) => [...sets[k].fit])),
        groups: depthKinds.flatMap((k) => Array.from(sets[k].fit, () => k)),
      }
    : null;
  // Labels trained on: the permuted set's labels are those already; unpermuted examples' are their true labels.
  const supportLabels = withDepth ? Int32Array.from(depthKinds.flatMap((k) => [...sets[k].fitLabels])) : null;

  let workers = 0;
  const epochTimings: ProbeRunResult['epochTimings'] = [];
  if (todo.length > 0) {
    const data = options.data ?? (await run.loadData());
    const [h, w, c] = data.imageShape;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-probes-'));
    const imagesFile = path.join(dir, 'examples.npy');
    writeNpy(imagesFile, { shape: [all.length, h, w, c], data: gatherImages(data.train.images, all, h * w * c), dtype: 'f4' });
    const progress = taskProgress('probes', todo.length, options.progress);
    const points = (await resolveRunLayers(run)).layers;
    try {
      const inputs: ProbeEpochInput[] = todo.map((epoch) => ({
        runDir: path.resolve(run.dir),
        epoch,
        layers,
        layerIndex: layers.map((l) => layerIndex[l]),
        outputPoint: points[points.length - 1],
        imagesFile,
        sets: kinds.map((k) => ({
          kind: k,
          fit: toPos(sets[k].fit),
          fitLabels: sets[k].fitLabels,
          eval: toPos(sets[k].eval),
          evalLabels: sets[k].evalLabels,
        })),
        depth: support && supportLabels ? { positions: toPos(support.indices), labels: supportLabels } : null,
        numClasses: run.noisy.numClasses,
        k: settings.k,
        metric: settings.metric,
        lambda: settings.lambda,
        iterations: settings.iterations,
        projectionDim: settings.projectionDim,
        seed: settings.seed,
        chunkSize: options.chunkSize ?? 256,
      }));
      workers = Math.min(concurrency, todo.length);
      await parallelMap<ProbeEpochInput, ProbeEpochOutput>(
        inputs,
        { module: path.join(__dirname, 'probeCell.js'), exportName: 'probeEpoch' },
        {
          concurrency,
          env: { ...process.env, MEMGEO_QUIET: '1' },
          onResult: (_d, _t, index, out) => {
            const epoch = todo[index];
            epochTimings.push({ epoch, seconds: out.seconds, ...out.timing });
            // Depth rows first: an epoch counts as done only when its probe rows are in too.
            if (support && out.depth) {
              const rows = Array.from(support.indices, (ex, i) => ({ epoch, example: ex, group: support.groups[i], depth: out.depth![i] }));
              upsertCsv(depthFile, rows, DEPTH_COLUMNS, DEPTH_KEY_COLUMNS);
            }
            upsertCsv(
              file,
              out.rows.map((r) => ({
                epoch,
                layer: r.layer,
                layer_index: layerIndex[r.layer],
                manifold: r.manifold,
                probe: r.probe,
                k: r.k,
                accuracy: r.accuracy,
                n_fit: r.n_fit,
                n_eval: r.n_eval,
                seed: settings.seed,
              })),
              PROBE_COLUMNS,
              PROBE_KEY_COLUMNS,
            );
            progress.tick(1, `epoch ${epoch} (${out.seconds.toFixed(1)} s)`);
          },
        },
      );
      progress.done(`${todo.length} epochs (${epochs.length - todo.length} already in ${path.basename(file)})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    writeCsv(file, sortProbeRows(readCsv(file)), PROBE_COLUMNS);
    if (withDepth)
      writeCsv(
        depthFile,
        [...readCsv(depthFile)].sort(
          (a, b) =>
            Number(a.epoch) - Number(b.epoch) ||
            String(a.group).localeCompare(String(b.group)) * -1 ||
            Number(a.example) - Number(b.example),
        ),
        DEPTH_COLUMNS,
      );
  }
  const wanted = new Set(epochs);
  const rows = readCsv(file).filter((r) => wanted.has(Number(r.epoch)) && layers.includes(String(r.layer)));
  const depthRows = readCsv(depthFile).filter((r) => wanted.has(Number(r.epoch)));
  return {
    file,
    depthFile,
    rows,
    depthRows,
    epochs,
    layers,
    layerIndex,
    computed: todo.length,
    reused: epochs.length - todo.length,
    sets,
    settings,
    workers,
    seconds: (performance.now() - t0) / 1000,
    epochTimings,
  };
}

/** The settings that differ between two meta records, as 'k 30 → 5'. */
function describeChange(a: Record<string, unknown>, b: Record<string, unknown>): string {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => `${k} ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`)
    .join(', ');
}

const KIND_ORDER: Record<string, number> = { unpermuted: 0, permuted: 1, restored: 2 };
const PROBE_ORDER: Record<string, number> = { knn: 0, knn_loo: 1, linear: 2 };

/** Probe rows by epoch, layer index, manifold type and probe. */
export function sortProbeRows(rows: Row[]): Row[] {
  return [...rows].sort(
    (a, b) =>
      Number(a.epoch) - Number(b.epoch) ||
      Number(a.layer_index) - Number(b.layer_index) ||
      (KIND_ORDER[String(a.manifold)] ?? 9) - (KIND_ORDER[String(b.manifold)] ?? 9) ||
      (PROBE_ORDER[String(a.probe)] ?? 9) - (PROBE_ORDER[String(b.probe)] ?? 9),
  );
}
