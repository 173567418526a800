import * as fs from 'fs';
import { InputError } from '../../errors';
import { readNpy } from '../../io/npy';
import { startAnalysisPool } from '../../manifold/analysisPool';
import { manifoldAnalysis, type ManifoldAnalysisResult } from '../../manifold/manifoldAnalysis';
import { manifoldAnalysisSeeds } from '../../manifold/manifoldAnalysisSeeds';
import { manifoldsFromFeatureMajor, manifoldsFromNpy, type ManifoldPoints } from '../../manifold/manifoldPoints';
import { simulatedCapacity } from '../../manifold/simulatedCapacity';
import { type Command, UsageError } from '../command';
import { flags, parseAnalysisFlags, parseFlags, parseNumber, parseWorkers } from '../options';

const usage = `usage: memgeo mftma --input FILE [options]

Manifold capacity, radius, dimension and centre correlation (MFTMA) of P object manifolds.
Prints one JSON object on stdout.

FILE is either
  .json  with "manifolds" (or "inputs.manifolds", so a golden file works as it is): P arrays of
         shape N x M_i stored [feature][sample]
  .npy   float32/float64 array of shape (P, M, N) (manifolds, points, features)

options:
  --kappa K                 margin kappa (default 0)
  --n-t N                   t-vectors per manifold (default 200)
  --n-reps R                random restarts per K of the centre step in faithful mode (default 1)
  --seed S                  seed (default 0); with --seeds, the first seed
  --seeds K                 run seeds S..S+K-1 and report the mean and spread
  --mode faithful|stable    faithful = the reference's procedure; stable = seed-independent centre
                            step, variance-reduced t-vectors, degenerate manifolds flagged and left
                            out of the aggregates (default stable)
  --no-center-correlation   skip the centre-correlation removal (K = 0)
  --projection-dim D        random Gaussian projection to D features when N > D (default 5000)
  --workers W               worker threads for the per-manifold analysis (default: auto)
  --simcap                  also run the simulated capacity (50 trials per N')
  --verbose                 include every restart of the centre step in the diagnostics

Output: capacity (1/mean(1/alpha_i)), radius, dimension, centerCorrelation, K,
perManifold {capacity, radius, dimension}, diagnostics, params, seconds; with --seeds K > 1 the
aggregates are means over seeds and "spread" holds std (n-1), min, max, max/min-1 and the values.
Infinite capacities (every t-vector interior) print as null.`;

/** Read manifolds from a .json ([feature][sample]) or .npy ((P, M, N)) file, with errors that say what is wrong with the file. */
export function readManifoldsFile(file: string): ManifoldPoints[] {
  if (!fs.existsSync(file)) throw new InputError(`${file}: no such file`);
  let manifolds: ManifoldPoints[];
  if (file.endsWith('.npy')) {
    let arr;
    try {
      arr = readNpy(file);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    manifolds = manifoldsFromNpy(arr, file);
  } else {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new InputError(`${file}: not valid JSON (${(e as Error).message}); give a .json with "manifolds" or a .npy of shape (P, M, N)`);
    }
    const d = doc as { manifolds?: unknown; inputs?: { manifolds?: unknown } };
    const raw = d?.manifolds ?? d?.inputs?.manifolds;
    if (!Array.isArray(raw)) throw new InputError(`${file}: expected a "manifolds" (or "inputs.manifolds") array of N x M_i matrices`);
    manifolds = manifoldsFromFeatureMajor(raw as number[][][]);
  }
  // Not validated here: the analysis, the seeds' analysis and the simulated capacity each check their
  // input first (a second scan of 200 MB cost 20 ms of the command).
  return manifolds;
}

function compactDiagnostics(r: ManifoldAnalysisResult, verbose: boolean): unknown {
  const d = r.diagnostics;
  const { steps, ...centerSubspace } = d.centerSubspace;
  return {
    ...d,
    centerSubspace: verbose
      ? d.centerSubspace
      : { ...centerSubspace, stopReasonsByK: steps.map((s) => s.restarts.map((x) => x.stopReason)) },
  };
}

/** Inputs above this size start the analysis's threads before they are read. */
const LARGE_INPUT_BYTES = 16 * 2 ** 20;

export const command: Command = {
  name: 'mftma',
  summary: 'manifold capacity, radius, dimension, centre correlation (MFTMA) of manifolds in a .json or .npy file',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      ...flags('kappa', 'n-t', 'seed', 'seeds', 'mode', 'projection-dim', 'workers'),
      input: { type: 'string' },
      'n-reps': { type: 'string' },
      'no-center-correlation': { type: 'boolean' },
      simcap: { type: 'boolean' },
      verbose: { type: 'boolean' },
    });
    if (!values.input) throw new UsageError('--input FILE is required (a .json with "manifolds" or a .npy of shape (P, M, N))');
    const { kappa, nT, seeds, projectionDim, ...analysis } = parseAnalysisFlags(values);
    const mode = analysis.mode ?? 'stable';
    const seed = analysis.seed ?? 0;
    const nReps = parseNumber(values['n-reps'], '--n-reps', { integer: true, min: 1 });
    const workers = parseWorkers(values.workers);
    const verbose = values.verbose ?? false;
    // A large input means an analysis that uses the worker threads: start them now, so that they
    // boot while this thread reads the file (about 0.1 s for the 200 MB README case).
    if (fs.existsSync(values.input) && fs.statSync(values.input).size > LARGE_INPUT_BYTES) startAnalysisPool(workers);
    const manifolds = readManifoldsFile(values.input);
    const opts = {
      kappa,
      nT,
      nReps,
      mode,
      centerCorrelation: !values['no-center-correlation'],
      projectionDim,
      concurrency: workers ?? ('auto' as const),
    };
    const t0 = performance.now();
    let out: Record<string, unknown>;
    if (seeds !== undefined && seeds > 1) {
      const s = await manifoldAnalysisSeeds(manifolds, { ...opts, seeds, firstSeed: seed });
      const P = manifolds.length;
      const meanPer = (key: 'capacity' | 'radius' | 'dimension') =>
        Array.from({ length: P }, (_, i) => s.runs.reduce((a, r) => a + r.perManifold[key][i], 0) / s.runs.length);
      out = {
        mode,
        seeds: s.seeds,
        capacity: s.capacity.mean,
        radius: s.radius.mean,
        dimension: s.dimension.mean,
        centerCorrelation: s.centerCorrelation.mean,
        K: s.K.mean,
        perManifold: { capacity: meanPer('capacity'), radius: meanPer('radius'), dimension: meanPer('dimension') },
        spread: { capacity: s.capacity, radius: s.radius, dimension: s.dimension, centerCorrelation: s.centerCorrelation, K: s.K },
        runs: s.runs.map((r, i) => ({
          seed: s.seeds[i],
          capacity: r.capacity,
          radius: r.radius,
          dimension: r.dimension,
          centerCorrelation: r.centerCorrelation,
          K: r.K,
          seconds: r.seconds,
          diagnostics: compactDiagnostics(r, verbose),
        })),
        params: s.runs[0].params,
      };
    } else {
      const r = await manifoldAnalysis(manifolds, { ...opts, seed });
      out = {
        mode: r.mode,
        capacity: r.capacity,
        radius: r.radius,
        dimension: r.dimension,
        centerCorrelation: r.centerCorrelation,
        K: r.K,
        perManifold: r.perManifold,
        diagnostics: compactDiagnostics(r, verbose),
        params: r.params,
      };
    }
    if (values.simcap) out.simulatedCapacity = simulatedCapacity(manifolds, { seed });
    out.seconds = (performance.now() - t0) / 1000;
    process.stdout.write(JSON.stringify(out) + '\n');
    return 0;
  },
};
