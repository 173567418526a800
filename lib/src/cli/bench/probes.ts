/*
 * `memgeo bench probes RUN`: seconds of the per-layer probes of one checkpoint (one `probeRun` epoch task, in one
 * worker), split into forward passes, Gram matrices, kNN votes and linear probes, at the given settings.
 * Writes its tables to a temporary folder (the run's own tables are left alone). Prints numbers; asserts nothing.
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { probeRun } from '../../probes';
import { openRun } from '../../train/runDir';
import { flags, parseAnalysisFlags, parseFlags, parseLayerList, parseNumber, parseRunDir, parseRunEpochs } from '../options';
import type { BenchTarget } from './target';

const usage = `usage: memgeo bench probes RUN [--epochs 40] [--k 30] [--M 50] [--P 10] [--layers LIST] [--json]

Times probeRun on RUN's checkpoints (default: the last), one epoch after another in one worker,
and prints seconds per epoch split into extract (forward passes), gram, knn and linear.`;

export const target: BenchTarget = {
  name: 'probes',
  summary: 'seconds per epoch of the per-layer probes (forward, Gram, kNN, linear) on a trained run',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...flags('epochs', 'M', 'P', 'layers', 'json'), k: { type: 'string' } }, true);
    const runDir = parseRunDir(positionals, usage);
    const { M, P } = parseAnalysisFlags(values);
    const run = openRun(runDir);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-bench-probes-'));
    try {
      const r = await probeRun(run, {
        epochs: parseRunEpochs(values.epochs, '--epochs', run.epochs, [run.epochs[run.epochs.length - 1]]),
        k: parseNumber(values.k, '--k', { integer: true, min: 1 }),
        M,
        P,
        layers: parseLayerList(values.layers),
        concurrency: 1,
        out,
        progress: 'none',
      });
      const load = os.loadavg()[0];
      for (const t of r.epochTimings) {
        const row = {
          target: 'probes',
          epoch: t.epoch,
          seconds: t.seconds,
          extract: t.extract,
          gram: t.gram,
          knn: t.knn,
          linear: t.linear,
          layers: r.layers.length,
          M: r.settings.M,
          k: r.settings.k,
          load1: load,
        };
        if (values.json) console.log(JSON.stringify(row));
        else
          console.log(
            `epoch ${t.epoch}: ${t.seconds.toFixed(2)} s (extract ${t.extract.toFixed(2)}, gram ${t.gram.toFixed(2)}, knn ${t.knn.toFixed(2)}, linear ${t.linear.toFixed(2)}) over ${r.layers.length} layers, M = ${r.settings.M}, k = ${r.settings.k}; load ${load.toFixed(2)}`,
          );
      }
      return 0;
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
};
