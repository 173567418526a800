import { analyzeRun } from '../../geometry/analyzeRun';
import { simulatedCapacityPoints } from '../../geometry/simulatedCapacityPoints';
import { missingMetricsNote, openRun } from '../../train/runDir';
import type { Command } from '../command';
import {
  flags,
  parseAnalysisFlags,
  parseEpochSpec,
  parseFlags,
  parseLayerList,
  parseNumber,
  parseProgress,
  parseRunDir,
  parseWorkers,
} from '../options';

const usage = `usage: memgeo analyze RUN [options]

Manifold geometry of a trained run across epochs and layers (paper Figs. 1B-3): for each checkpoint
and analysis point, MFTMA capacity, radius, dimension, centre correlation and K of the unpermuted,
permuted and restored manifolds (P classes x M training examples, the same examples at every epoch
and layer), plus the all-data participation ratio. Rows go to RUN/geometry.csv (resumable: cells
already there with the same settings are not recomputed). Prints the table.

options:
  --epochs SPEC          all (default), a list or ranges (0,9,40 or 0-40:5), or count:N (about N
                         epochs spread over the run, always with 0, the test-accuracy peak and the last)
  --layers LIST          analysis points, e.g. input,conv2,fc1 (default: all of the model's)
  --P N                  classes (manifolds) per analysis (default 10)
  --M N                  examples per manifold (default 50)
  --n-t N                t-vectors per manifold (default 200)
  --kappa K              margin (default 0)
  --seed S               draws the examples and the projection; first analysis seed (default 0)
  --seeds K              analysis seeds per cell: the table has their mean and std (default 3)
  --mode stable|faithful MFTMA mode (default stable)
  --projection-dim D     project layers wider than D to D features (default 5000)
  --simcap N             also the simulated capacity (Fig. 1B) of N cells -> RUN/simcap.csv
  --simcap-n-rep R       dichotomies per N' in the simulation (default 50)
  --simcap-m M           examples per manifold in the simulation (default min(M, 20))
  --workers W            worker threads (default: the CPU count)
  --progress MODE        bar|lines|compact|none (default: bar on a terminal)
  --json                 one JSON object per row instead of a table`;

const fmt = (v: unknown, d = 4) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : String(v ?? '-'));

export const command: Command = {
  name: 'analyze',
  summary: 'manifold geometry of a trained run across epochs and layers -> RUN/geometry.csv (Figs. 1B-3)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...flags('epochs', 'layers', 'P', 'M', 'n-t', 'kappa', 'seed', 'seeds', 'mode', 'projection-dim', 'workers', 'progress', 'json'),
        simcap: { type: 'string' },
        'simcap-n-rep': { type: 'string' },
        'simcap-m': { type: 'string' },
      },
      true,
    );
    const runDir = parseRunDir(positionals, usage);
    const settings = parseAnalysisFlags(values);
    const progress = parseProgress(values.progress);
    const layers = parseLayerList(values.layers);
    const simcap = parseNumber(values.simcap, '--simcap', { integer: true, min: 1 });
    const nRep = parseNumber(values['simcap-n-rep'], '--simcap-n-rep', { integer: true, min: 1 });
    const simcapM = parseNumber(values['simcap-m'], '--simcap-m', { integer: true, min: 2 });
    const concurrency = parseWorkers(values.workers);
    const epochs = parseEpochSpec(values.epochs);

    const run = openRun(runDir);
    const note =
      epochs !== 'all' && !Array.isArray(epochs)
        ? missingMetricsNote(run.dir, 'the choice of epochs (the test-accuracy peak is always among them)')
        : null;
    if (note) process.stderr.write(`memgeo analyze: ${note}\n`);
    const r = await analyzeRun(run, { ...settings, epochs, layers, concurrency, progress });
    const s =
      simcap !== undefined
        ? await simulatedCapacityPoints(run, { ...settings, points: simcap, nRep, simcapM, geometry: r.rows, concurrency, progress })
        : null;
    if (values.json) {
      for (const row of r.rows) console.log(JSON.stringify(row));
      for (const row of s?.rows ?? []) console.log(JSON.stringify({ table: 'simcap', ...row }));
      return 0;
    }
    console.log(
      `${r.file}: ${r.computed} cells computed, ${r.reused} already there (${r.seconds.toFixed(1)} s, ${r.workers} worker(s)); P = ${r.settings.P}, M = ${r.settings.M}, n_t = ${r.settings.n_t}, ${r.settings.n_seeds} seed(s), ${r.settings.mode} mode; 2/M = ${(2 / r.settings.M).toFixed(4)}`,
    );
    console.log(
      `${'epoch'.padStart(5)} ${'layer'.padEnd(10)} ${'manifold'.padEnd(10)} ${'capacity'.padStart(8)} ${'± std'.padStart(7)} ${'radius'.padStart(7)} ${'dim'.padStart(7)} ${'rho_c'.padStart(6)} ${'K'.padStart(4)} ${'PR'.padStart(7)}`,
    );
    for (const row of r.rows) {
      console.log(
        `${String(row.epoch).padStart(5)} ${String(row.layer).padEnd(10)} ${String(row.manifold).padEnd(10)} ${fmt(row.capacity).padStart(8)} ${fmt(row.capacity_std).padStart(7)} ${fmt(row.radius, 3).padStart(7)} ${fmt(row.dimension, 2).padStart(7)} ${fmt(row.center_correlation, 3).padStart(6)} ${fmt(row.K, 1).padStart(4)} ${fmt(row.participation_ratio, 1).padStart(7)}${row.note ? `  ${row.note}` : ''}`,
      );
    }
    if (s) {
      console.log(`\n${s.file}: ${s.computed} points computed, ${s.reused} already there (${s.seconds.toFixed(1)} s)`);
      console.log(`${'epoch'.padStart(5)} ${'layer'.padEnd(10)} ${'manifold'.padEnd(10)} ${'MFT'.padStart(8)} ${'simulated'.padStart(9)}`);
      for (const row of s.rows)
        console.log(
          `${String(row.epoch).padStart(5)} ${String(row.layer).padEnd(10)} ${String(row.manifold).padEnd(10)} ${fmt(row.capacity).padStart(8)} ${fmt(row.simulated_capacity).padStart(9)}${row.note ? `  ${row.note}` : ''}`,
        );
    }
    return 0;
  },
};
