/**
 * `bench data`: dataset load times, cold (decode the source and write the cache) vs cached (read the
 * cache), per dataset available here. Prints numbers only; nothing is asserted. The caches go to a
 * temporary folder (or --cache-dir) so the repository's data/ cache is left alone.
 *
 *   node lib/dist/cli/bench/data.js [--datasets mnist,cifar10] [--repeats 2] [--json]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { DATASET_NAMES, locateDataset, loadDataset } from '../../data';
import type { DatasetName } from '../../data';
import { UsageError } from '../command';

interface Row {
  dataset: string;
  phase: 'cold' | 'cached' | 'nocache';
  repeat: number;
  seconds: number;
  cache: string;
  train: number;
  test: number;
  cacheBytes: number;
  load1: number;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchData(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      datasets: { type: 'string' },
      repeats: { type: 'string', default: '2' },
      'cache-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: must be a positive integer, got ${values.repeats}`);
  const requested = values.datasets ? values.datasets.split(',').map((s) => s.trim()) : [...DATASET_NAMES];
  for (const n of requested) if (!(DATASET_NAMES as readonly string[]).includes(n)) throw new UsageError(`--datasets: unknown dataset '${n}'`);
  const cacheDir = values['cache-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-bench-data-'));
  const rows: Row[] = [];
  const log = (s: string) => {
    if (!values.json) console.log(s);
  };
  log(`bench data: cache in ${cacheDir}; node ${process.version}; ${os.cpus().length} CPUs; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log('dataset        phase    rep  seconds  cache    train  test   cache MB  load1');
  for (const name of requested as DatasetName[]) {
    const loc = locateDataset(name);
    if (loc.missing.length) {
      log(`${name.padEnd(14)} skipped: not available (missing ${loc.missing.join(', ')})`);
      continue;
    }
    const file = path.join(cacheDir, `${name}.memgeo-cache`);
    const phases: { phase: Row['phase']; before: () => void; opts: { cache?: boolean } }[] = [
      { phase: 'nocache', before: () => undefined, opts: { cache: false } },
      { phase: 'cold', before: () => fs.rmSync(file, { force: true }), opts: {} },
      { phase: 'cached', before: () => undefined, opts: {} },
    ];
    for (const ph of phases) {
      for (let r = 0; r < repeats; r++) {
        ph.before();
        if (global.gc) global.gc();
        const t = process.hrtime.bigint();
        const ds = await loadDataset(name, { cacheDir, ...ph.opts });
        const row: Row = {
          dataset: name,
          phase: ph.phase,
          repeat: r,
          seconds: seconds(t),
          cache: ds.cache?.status ?? 'off',
          train: ds.train.count,
          test: ds.test.count,
          cacheBytes: fs.existsSync(file) ? fs.statSync(file).size : 0,
          load1: os.loadavg()[0],
        };
        rows.push(row);
        log(`${name.padEnd(14)} ${ph.phase.padEnd(8)} ${String(r).padStart(3)}  ${row.seconds.toFixed(2).padStart(7)}  ${row.cache.padEnd(7)} ${String(row.train).padStart(6)} ${String(row.test).padStart(5)}  ${(row.cacheBytes / 1e6).toFixed(0).padStart(8)}  ${row.load1.toFixed(2)}`);
      }
    }
  }
  log("phases: nocache = decode only (cache: false); cold = decode + write the cache; cached = read and verify the cache. All include the float32 conversion.");
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  if (!values['cache-dir']) fs.rmSync(cacheDir, { recursive: true, force: true });
  return 0;
}

if (require.main === module) {
  benchData(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(err instanceof Error && (err.name === 'UsageError' || err.name === 'InputError') ? `bench data: ${err.message}` : err);
      process.exitCode = err?.name === 'UsageError' || err?.name === 'InputError' ? 2 : 1;
    },
  );
}
