/*
 * `bench data`: dataset load times, cold (decode the source and write the cache) vs cached (read the
 * cache), per dataset available here. Prints numbers only; nothing is asserted. The caches go to a
 * temporary folder (or --cache-dir) so the repository's data/ cache is left alone.
 *
 *   node lib/dist/cli/bench/data.js [--datasets mnist,cifar10] [--repeats 2] [--synthetic] [--json]
 *
 * --synthetic also writes full-size CIFAR-10 and CIFAR-100 binary folders of random pixels (same
 * sizes as the official files) to a temporary folder and times those, so the binary readers can be
 * measured where the real files are not available.
 */

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';
import { DATASET_NAMES, locateDataset, loadDataset } from '../../data';
import type { DatasetName } from '../../data';
import { runAsScript, UsageError } from '../command';
import { parseFlags } from '../options';
import type { BenchTarget } from './target';

interface Row {
  dataset: string;
  synthetic: boolean;
  phase: 'cold' | 'cached' | 'nocache';
  repeat: number;
  seconds: number;
  cache: string;
  train: number;
  test: number;
  cacheBytes: number;
  load1: number;
}

/** Random-pixel CIFAR binary files of the official sizes (labels i mod C, so classes are balanced). */
function writeSyntheticCifar(dir: string): { cifar10: string; cifar100: string } {
  const write = (file: string, count: number, labelBytes: 1 | 2) => {
    const rec = labelBytes + 3072;
    const buf = crypto.randomBytes(count * rec);
    for (let i = 0; i < count; i++) {
      if (labelBytes === 2) buf[i * rec] = i % 20;
      buf[i * rec + labelBytes - 1] = i % (labelBytes === 1 ? 10 : 100);
    }
    fs.writeFileSync(file, buf);
  };
  const c10 = path.join(dir, 'cifar-10-batches-bin');
  const c100 = path.join(dir, 'cifar-100-binary');
  fs.mkdirSync(c10, { recursive: true });
  fs.mkdirSync(c100, { recursive: true });
  for (let b = 1; b <= 5; b++) write(path.join(c10, `data_batch_${b}.bin`), 10000, 1);
  write(path.join(c10, 'test_batch.bin'), 10000, 1);
  write(path.join(c100, 'train.bin'), 50000, 2);
  write(path.join(c100, 'test.bin'), 10000, 2);
  return { cifar10: c10, cifar100: c100 };
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function benchData(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    datasets: { type: 'string' },
    repeats: { type: 'string', default: '2' },
    'cache-dir': { type: 'string' },
    synthetic: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats: must be a positive integer, got ${values.repeats}`);
  const requested = values.datasets ? values.datasets.split(',').map((s) => s.trim()) : [...DATASET_NAMES];
  for (const n of requested)
    if (!(DATASET_NAMES as readonly string[]).includes(n)) throw new UsageError(`--datasets: unknown dataset '${n}'`);
  const cacheDir = values['cache-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-bench-data-'));
  const rows: Row[] = [];
  const log = (s: string) => {
    if (!values.json) console.log(s);
  };
  log(
    `bench data: cache in ${cacheDir}; node ${process.version}; ${os.cpus().length} CPUs; load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  log('dataset        phase    rep  seconds  cache    train  test   cache MB  load1');
  const jobs: { name: DatasetName; dir?: string; synthetic: boolean }[] = (requested as DatasetName[]).map((name) => ({
    name,
    synthetic: false,
  }));
  if (values.synthetic) {
    const synth = writeSyntheticCifar(path.join(cacheDir, 'synthetic'));
    jobs.push({ name: 'cifar10-bin', dir: synth.cifar10, synthetic: true }, { name: 'cifar100', dir: synth.cifar100, synthetic: true });
  }
  for (const { name, dir, synthetic } of jobs) {
    const label = synthetic ? `${name}*` : name;
    const loc = locateDataset(name, { dir });
    if (loc.missing.length) {
      log(`${label.padEnd(14)} skipped: not available (missing ${loc.missing.join(', ')})`);
      continue;
    }
    const jobCacheDir = path.join(cacheDir, synthetic ? 'synthetic-cache' : 'cache');
    const file = path.join(jobCacheDir, `${name}.memgeo-cache`);
    const phases: { phase: Row['phase']; before: () => void; opts: { cache?: boolean } }[] = [
      { phase: 'nocache', before: () => undefined, opts: { cache: false } },
      { phase: 'cold', before: () => fs.rmSync(file, { force: true }), opts: {} },
      { phase: 'cached', before: () => undefined, opts: {} },
    ];
    phases: for (const ph of phases) {
      for (let r = 0; r < repeats; r++) {
        ph.before();
        if (global.gc) global.gc();
        const t = process.hrtime.bigint();
        const ds = await loadDataset(name, { dir, cacheDir: jobCacheDir, ...ph.opts });
        if (ph.phase === 'cold' && ds.cache?.status === 'off') {
          log(`${label.padEnd(14)} not cached (${ds.cache.reason}): only the nocache time applies`);
          break phases;
        }
        const row: Row = {
          dataset: name,
          synthetic,
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
        log(
          `${label.padEnd(14)} ${ph.phase.padEnd(8)} ${String(r).padStart(3)}  ${row.seconds.toFixed(2).padStart(7)}  ${row.cache.padEnd(7)} ${String(row.train).padStart(6)} ${String(row.test).padStart(5)}  ${(row.cacheBytes / 1e6).toFixed(0).padStart(8)}  ${row.load1.toFixed(2)}`,
        );
      }
    }
  }
  log(
    'phases: nocache = decode only (cache: false); cold = decode + write the cache; cached = read and verify the cache. All include the float32 conversion.',
  );
  if (values.synthetic) log('* synthetic: random pixels in the official binary layout and sizes (the real files are not available here).');
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  if (!values['cache-dir']) fs.rmSync(cacheDir, { recursive: true, force: true });
  return 0;
}

export const target: BenchTarget = {
  name: 'data',
  summary: 'dataset load times: cold decode + cache write vs cached read',
  usage: `usage: memgeo bench data [--datasets mnist,cifar10] [--repeats 2] [--cache-dir DIR] [--synthetic] [--json]\n\nTimes each available dataset: decode from the source (cache written to a temporary folder or --cache-dir) and cached read.\n--synthetic also times full-size random-pixel CIFAR-10/100 binary folders.`,
  run: benchData,
};

if (require.main === module) runAsScript(target, 'bench data');
