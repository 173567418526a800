import { probeFindings, probeFindingsMarkdown, probeRun } from '../../probes';
import { openRun } from '../../train/runDir';
import type { Command } from '../command';
import {
  flags,
  parseAnalysisFlags,
  parseChoice,
  parseEpochSpec,
  parseFlags,
  parseLayerList,
  parseNumber,
  parseProgress,
  parseRunDir,
  parseWorkers,
} from '../options';

const usage = `usage: memgeo probe RUN [options]

Per-layer probes of a trained run: for each checkpoint and analysis point, the accuracy of a kNN
probe (held-out and leave-one-out) and a linear probe (multinomial logistic regression on the frozen
activations) on the unpermuted, permuted (labels trained on) and restored (true labels of the
permuted examples) groups, on the same P classes x M examples the geometry analyses plus a held-out
part; and the prediction depth of each unpermuted and permuted example (the earliest layer from which
every later layer's kNN prediction agrees with the network). Rows go to RUN/probes.csv and
RUN/prediction_depth.csv (resumable: finished epochs are not recomputed; tables of other settings
are kept and the command refused, unless --replace or another --out). Prints the kNN and linear accuracies and the findings.

options:
  --epochs SPEC          all, a list or ranges (0,9,40 or 0-40:5), or count:N (default count:6;
                         0, the test-accuracy peak and the last epoch are always in a count)
  --layers LIST          analysis points, e.g. input,conv2,fc1 (default: all of the model's)
  --k K                  neighbours of the kNN probe (default 30)
  --metric cosine|euclidean   kNN distance (default cosine)
  --P N                  classes probed (default 10)
  --M N                  examples per class in the fitted set (default 50, as the geometry)
  --held-out H           held-out examples per class (default M, capped by the smallest class)
  --seed S               draws the examples and the projection (default 0, as the geometry)
  --projection-dim D     project layers wider than D to D features (default 5000)
  --no-depth             skip the prediction depth
  --out DIR              folder for the tables (default RUN)
  --replace              recompute tables that were computed with other settings
  --workers W            worker threads (default: the CPU count)
  --progress MODE        bar|lines|compact|none (default: bar on a terminal)
  --json                 one JSON object per row instead of a table`;

const fmt = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : String(v ?? '-'));

export const command: Command = {
  name: 'probe',
  summary: 'per-layer kNN and linear probes and prediction depth -> RUN/probes.csv, RUN/prediction_depth.csv',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...flags('epochs', 'layers', 'P', 'M', 'seed', 'projection-dim', 'out', 'workers', 'progress', 'json'),
        k: { type: 'string' },
        metric: { type: 'string' },
        'held-out': { type: 'string' },
        'no-depth': { type: 'boolean' },
        replace: { type: 'boolean' },
      },
      true,
    );
    const runDir = parseRunDir(positionals, usage);
    const metric = parseChoice(values.metric, '--metric', ['cosine', 'euclidean'] as const);
    const progress = parseProgress(values.progress);
    const layers = parseLayerList(values.layers);
    const { P, M, seed, projectionDim } = parseAnalysisFlags(values);
    const run = openRun(runDir);
    const r = await probeRun(run, {
      epochs: values.epochs === undefined ? { count: 6 } : parseEpochSpec(values.epochs),
      layers,
      k: parseNumber(values.k, '--k', { integer: true, min: 1 }),
      metric,
      P,
      M,
      heldOut: parseNumber(values['held-out'], '--held-out', { integer: true, min: 1 }),
      seed,
      projectionDim,
      depth: !values['no-depth'],
      out: values.out,
      replace: values.replace,
      concurrency: parseWorkers(values.workers),
      progress,
    });
    if (values.json) {
      for (const row of r.rows) console.log(JSON.stringify(row));
      for (const row of r.depthRows) console.log(JSON.stringify({ table: 'prediction_depth', ...row }));
      return 0;
    }
    console.log(
      `${r.file}: ${r.computed} epoch(s) computed, ${r.reused} already there (${r.seconds.toFixed(1)} s); P = ${r.settings.P}, M = ${r.settings.M}, k = ${r.settings.k} (${r.settings.metric}); chance ${(1 / r.settings.P).toFixed(3)}`,
    );
    console.log(
      `${'epoch'.padStart(5)} ${'layer'.padEnd(10)} ${'probe'.padEnd(8)} ${'unperm'.padStart(7)} ${'perm'.padStart(7)} ${'restor'.padStart(7)}`,
    );
    for (const e of r.epochs)
      for (const l of r.layers)
        for (const p of ['knn', 'linear']) {
          const a = (m: string) => r.rows.find((x) => x.epoch === e && x.layer === l && x.probe === p && x.manifold === m)?.accuracy;
          console.log(
            `${String(e).padStart(5)} ${l.padEnd(10)} ${p.padEnd(8)} ${fmt(a('unpermuted')).padStart(7)} ${fmt(a('permuted')).padStart(7)} ${fmt(a('restored')).padStart(7)}`,
          );
        }
    if (r.depthRows.length > 0 && run.metrics().length > 0)
      console.log(`\n${probeFindingsMarkdown(probeFindings(r.rows, r.depthRows, run.metrics(), { P: r.settings.P }))}`);
    return 0;
  },
};
