import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, profileKernels } from '../../backend';
import type { Model } from '../../models';
import { availableCores } from '../../parallel/workerCount';
import { DataParallelTrainer, Optimizer, resolveRunConfig, optimizerStep } from '../../train';
import { UsageError } from '../command';
import { parseFlags, parseNumber, parseNumberList } from '../options';
import { BENCH_MODELS, buildBenchModel, inputShapeOf, type BenchModelName } from './benchModels';
import type { BenchTarget } from './target';

/**
 * `memgeo bench train`: training and inference throughput of the four benchmark models
 * (benchModels.ts) as memgeo trains them (`optimizerStep`, or `DataParallelTrainer` on several workers):
 * SGD lr 0.01, batch 128, cross-entropy on logits, one fixed random batch; inference in batches of
 * 512. Compared with PyTorch at 1 and 2 threads, measured in the same run by lib/bench/torch_bench.py
 * when `import torch` works (or read from a file of its output lines).
 */

export { BENCH_MODELS, buildBenchModel, inputShapeOf, type BenchModelName };

const TRAIN_BATCH = 128;
const INFER_BATCH = 512;
/** Images per inference measurement: a few batches per worker. */
const INFER_IMAGES = 2048;

/** PyTorch's numbers for one model, per thread count (images/s). */
export type TorchNumbers = Map<string, { train: Map<number, number>; infer: Map<number, number> }>;

export interface TrainBenchRow {
  model: BenchModelName;
  workers: number;
  backend: string;
  train_img_s: number;
  infer_img_s: number;
  /** train_img_s / train_img_s at 1 worker (same model, same run). */
  train_speedup: number;
  infer_speedup: number;
  /** PyTorch's train img/s at 1 and 2 threads (null: not measured). */
  torch_train_img_s_1t: number | null;
  torch_train_img_s_2t: number | null;
  /** Time per image relative to PyTorch's: torch img/s / ours (2 = we take twice as long). */
  train_vs_torch_1t: number | null;
  train_vs_torch_2t: number | null;
  torch_infer_img_s_1t: number | null;
  torch_infer_img_s_2t: number | null;
  infer_vs_torch_1t: number | null;
  infer_vs_torch_2t: number | null;
  /** Throughput from the median step time (less sensitive to other processes' load). */
  train_img_s_median: number;
  /** Images per CPU-second of this process and its worker threads (median step). */
  train_img_cpu_s: number;
  train_steps: number;
  seconds: number;
  /** CPU time / wall time of this process and its threads while training (≈ workers when the cores are free). */
  cpu_share: number;
  load1: number;
  /** MEMGEO_WASM_KERNELS when set (benchmarks of kernel subsets), else 'all'. */
  kernels: string;
}

/** What `timeLoop` measured. */
interface Timing {
  /** Calls per wall-clock second over the whole timed window. */
  perSecond: number;
  /** Calls per second from the median call time: robust to bursts of load from other processes. */
  perSecondMedian: number;
  count: number;
  /** This process's CPU time / wall time in the window; well below 1 means other processes took the CPU. */
  cpuShare: number;
  /** Calls per CPU-second from the median per-call CPU time (user + system): blind to time spent descheduled. */
  perCpuSecondMedian: number;
}

/** Run `step` for at least `seconds` (after `warmup` calls), timing every call. */
async function timeLoop(step: () => Promise<void> | void, seconds: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let t = t0;
  let c = cpu0;
  while (t - t0 < seconds * 1000 || times.length < 3) {
    await step();
    const now = performance.now();
    const cNow = process.cpuUsage();
    times.push(now - t);
    cpuTimes.push((cNow.user - c.user + cNow.system - c.system) / 1000);
    t = now;
    c = cNow;
  }
  const wall = t - t0;
  const cpu = process.cpuUsage(cpu0);
  const sorted = times.slice().sort((p, q) => p - q);
  const median = sorted[Math.floor(sorted.length / 2)];
  const cpuMedian = cpuTimes.slice().sort((p, q) => p - q)[Math.floor(cpuTimes.length / 2)];
  return {
    perSecond: (times.length * 1000) / wall,
    perSecondMedian: 1000 / median,
    count: times.length,
    cpuShare: (cpu.user + cpu.system) / 1000 / wall,
    perCpuSecondMedian: 1000 / cpuMedian,
  };
}

/** Deterministic pseudo-random floats (the benchmarks need data, not particular data). */
function noise(n: number, seed: number): Float32Array {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export async function benchTrainModel(
  name: BenchModelName,
  opts: { seconds: number; inferSeconds: number; workers: number; profile?: boolean },
): Promise<{
  row: Omit<
    TrainBenchRow,
    | 'train_speedup'
    | 'infer_speedup'
    | 'torch_train_img_s_1t'
    | 'torch_train_img_s_2t'
    | 'train_vs_torch_1t'
    | 'train_vs_torch_2t'
    | 'torch_infer_img_s_1t'
    | 'torch_infer_img_s_2t'
    | 'infer_vs_torch_1t'
    | 'infer_vs_torch_2t'
  >;
  profile?: string;
}> {
  const backend = await initBackend();
  const model: Model = buildBenchModel({ name });
  const opt = new Optimizer(resolveRunConfig({ optimizer: { kind: 'sgd', lr: 0.01, momentum: 0 } }).optimizer, model.params);
  const [h, w, c] = inputShapeOf(name);
  const per = h * w * c;
  const images = noise(TRAIN_BATCH * per, 1);
  const labels = Int32Array.from({ length: TRAIN_BATCH }, (_, i) => (i * 7919) % 10);
  const inferImages = noise(INFER_IMAGES * per, 2);
  const inferData = {
    train: { images: inferImages, labels: new Int32Array(INFER_IMAGES), count: INFER_IMAGES },
    test: { images: new Float32Array(0), labels: new Int32Array(0), count: 0 },
    noisy: {
      trueLabel: new Int32Array(INFER_IMAGES),
      trainLabel: new Int32Array(INFER_IMAGES),
      isPermuted: new Uint8Array(INFER_IMAGES),
      seed: 0,
      epsilon: 0,
      unchangedByChance: 0,
      excludeUnchanged: false,
    },
  };
  const dp =
    opts.workers > 1
      ? await DataParallelTrainer.start(model, opt, {
          workers: opts.workers,
          maxBatch: TRAIN_BATCH,
          data: inferData as never,
          backend,
          build: { module: path.join(__dirname, 'benchModels.js'), exportName: 'buildBenchModel', arg: { name } },
        })
      : null;
  const vars = model.trainableVariables;
  try {
    const step = async () => {
      if (dp) await dp.step(images, labels, 0.01);
      else optimizerStep(model, opt, vars, images, labels, 0.01);
    };
    const train = await timeLoop(step, opts.seconds, 3);
    let profile: string | undefined;
    if (opts.profile && !dp) {
      const steps = Math.max(3, Math.min(20, train.count));
      const p = await profileKernels(async () => {
        for (let i = 0; i < steps; i++) await step();
      });
      const lines = p.kernels
        .slice(0, 25)
        .map(
          (k) =>
            `  ${k.kernel.padEnd(24)} ${(k.ms / steps).toFixed(2).padStart(8)} ms/step ${String(k.calls / steps).padStart(5)} calls/step ${((100 * k.ms) / p.wallMs).toFixed(1).padStart(5)}%`,
        );
      profile = [
        `${name}: ${(p.wallMs / steps).toFixed(1)} ms/step, kernels ${(p.kernelMs / steps).toFixed(1)} ms, other ${((p.wallMs - p.kernelMs) / steps).toFixed(1)} ms`,
        ...lines,
      ].join('\n');
    }
    const infer = await timeLoop(
      async () => {
        if (dp) await dp.evaluateSplits(inferData as never, INFER_BATCH);
        else
          for (let s = 0; s < INFER_IMAGES; s += INFER_BATCH)
            tf.tidy(
              () =>
                void model.forward(tf.tensor4d(inferImages.subarray(s * per, (s + INFER_BATCH) * per), [INFER_BATCH, h, w, c])).dataSync(),
            );
      },
      opts.inferSeconds,
      1,
    );
    const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
    return {
      row: {
        model: name,
        workers: opts.workers,
        backend,
        train_img_s: round(train.perSecond * TRAIN_BATCH),
        infer_img_s: round(infer.perSecond * INFER_IMAGES),
        train_img_s_median: round(train.perSecondMedian * TRAIN_BATCH),
        train_img_cpu_s: round(train.perCpuSecondMedian * TRAIN_BATCH),
        train_steps: train.count,
        seconds: opts.seconds,
        cpu_share: round(train.cpuShare, 2),
        load1: round(os.loadavg()[0], 2),
        kernels: backend === 'wasm' ? process.env.MEMGEO_WASM_KERNELS?.trim() || 'all' : '-',
      },
      profile,
    };
  } finally {
    await dp?.close();
    model.dispose();
    opt.dispose();
  }
}

/** lib/bench/torch_bench.py (shipped with the package). */
export const TORCH_BENCH_SCRIPT = path.join(__dirname, '..', '..', '..', 'bench', 'torch_bench.py');

/** Parse torch_bench.py output lines (JSON objects with threads, model, train_img_s, infer_img_s). */
export function parseTorchLines(text: string, source: string): TorchNumbers {
  const out: TorchNumbers = new Map();
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))) {
    let o: { threads?: unknown; model?: unknown; train_img_s?: unknown; infer_img_s?: unknown };
    try {
      o = JSON.parse(line);
    } catch {
      throw new UsageError(`${source}: not a JSON line: ${line.slice(0, 80)}`);
    }
    if (
      typeof o.model !== 'string' ||
      typeof o.threads !== 'number' ||
      typeof o.train_img_s !== 'number' ||
      typeof o.infer_img_s !== 'number'
    )
      throw new UsageError(`${source}: each line needs model, threads, train_img_s, infer_img_s: ${line.slice(0, 80)}`);
    const m = out.get(o.model) ?? { train: new Map(), infer: new Map() };
    m.train.set(o.threads, o.train_img_s);
    m.infer.set(o.threads, o.infer_img_s);
    out.set(o.model, m);
  }
  return out;
}

/** Run torch_bench.py at 1 and 2 threads, one after the other, if `python -c 'import torch'` works. */
export function measureTorch(
  python: string,
  models: string[],
  seconds: number,
  inferSeconds: number,
  log: (s: string) => void,
): TorchNumbers | null {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    log(`bench train: ${python} cannot import torch; no PyTorch ratios (apt-get install python3-torch, or --torch FILE)`);
    return null;
  }
  let text = '';
  for (const threads of [1, 2]) {
    const r = spawnSync(
      python,
      [
        TORCH_BENCH_SCRIPT,
        String(threads),
        '--seconds',
        String(seconds),
        '--infer-seconds',
        String(inferSeconds),
        '--models',
        models.join(','),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) {
      log(`bench train: torch_bench.py ${threads} failed: ${(r.stderr || '').trim().split('\n').pop()}`);
      return null;
    }
    text += r.stdout;
    log(r.stdout.trim());
  }
  return parseTorchLines(text, 'torch_bench.py');
}

const USAGE = `usage: memgeo bench train [--json] [--models mlp,cnn2,cnn4,cnn4c] [--workers LIST] [--seconds S] [--infer-seconds S] [--torch auto|none|FILE] [--profile]

Training and inference throughput of the four benchmark models (lib/src/cli/bench/benchModels.ts) as
memgeo trains them: SGD lr 0.01, batch 128, cross-entropy on logits, one fixed random batch, after 3
warm-up steps; inference in batches of 512. Each model runs at every worker count (default: 1 and all
cores; more than 1 = data-parallel training, DataParallelTrainer). Prints one line per model and worker
count; --json prints one JSON object per line: model, workers, train_img_s, infer_img_s, the speed-up
over 1 worker, PyTorch's img/s at 1 and 2 threads and our time per image relative to them
(train_vs_torch_1t = torch / ours), train_img_s_median, train_img_cpu_s, cpu_share (CPU time of the
process and its threads / wall time) and the load average.
MEMGEO_WASM_KERNELS=appendix benchmarks the docs/stack.md Appendix A kernel set for comparison.
  --models LIST        comma-separated subset (default: all four)
  --workers LIST       worker counts, e.g. 1,2 (default: 1 and the cores available)
  --seconds S          timed training seconds per model and worker count (default 5)
  --infer-seconds S    timed inference seconds (default 3)
  --torch SRC          auto (default): run lib/bench/torch_bench.py 1 and 2 first when
                       \`$MEMGEO_TORCH_PYTHON (default /usr/bin/python3) -c 'import torch'\` works;
                       none: no PyTorch columns; FILE: its output lines (JSON) from an earlier run
  --profile            per-kernel time profile of the 1-worker training steps (to stderr)`;

export const target: BenchTarget = {
  name: 'train',
  summary: 'training/inference img/s of mlp, cnn2, cnn4, cnn4c on 1 and all workers, vs PyTorch',
  usage: USAGE,
  async run(argv) {
    const { values } = parseFlags(argv, {
      json: { type: 'boolean', default: false },
      models: { type: 'string' },
      workers: { type: 'string' },
      seconds: { type: 'string' },
      'infer-seconds': { type: 'string' },
      torch: { type: 'string', default: 'auto' },
      profile: { type: 'boolean', default: false },
    });
    const models = values.models
      ? values.models
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : BENCH_MODELS;
    for (const m of models)
      if (!BENCH_MODELS.includes(m as BenchModelName))
        throw new UsageError(`--models: unknown model '${m}'; known: ${BENCH_MODELS.join(', ')}`);
    const cores = availableCores();
    const workerCounts = values.workers ? parseNumberList(values.workers, '--workers') : [...new Set([1, cores])];
    for (const k of workerCounts)
      if (!Number.isInteger(k) || k < 1 || k > cores)
        throw new UsageError(`--workers: ${k} is not a worker count from 1 to ${cores} (the cores available)`);
    const seconds = parseNumber(values.seconds, '--seconds', { min: 0.1 }) ?? 5;
    const inferSeconds = parseNumber(values['infer-seconds'], '--infer-seconds', { min: 0.1 }) ?? 3;
    const log = (s: string) => process.stderr.write(s + '\n');
    let torch: TorchNumbers | null = null;
    if (values.torch === 'auto')
      torch = measureTorch(process.env.MEMGEO_TORCH_PYTHON || '/usr/bin/python3', models, seconds, inferSeconds, log);
    else if (values.torch !== 'none') {
      let text: string;
      try {
        text = fs.readFileSync(values.torch!, 'utf8');
      } catch (err) {
        throw new UsageError(`--torch: cannot read ${values.torch} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      torch = parseTorchLines(text, values.torch!);
    }
    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    for (const m of models as BenchModelName[]) {
      let base: { train: number; infer: number } | null = null;
      for (const workers of workerCounts) {
        const { row: r, profile } = await benchTrainModel(m, { seconds, inferSeconds, workers, profile: values.profile });
        if (profile) log(profile);
        if (workers === 1) base = { train: r.train_img_s, infer: r.infer_img_s };
        const t = torch?.get(m);
        const tt = (k: number) => t?.train.get(k) ?? null;
        const ti = (k: number) => t?.infer.get(k) ?? null;
        const ratio = (theirs: number | null, ours: number) => (theirs === null ? null : round(theirs / ours));
        const row: TrainBenchRow = {
          ...r,
          train_speedup: base ? round(r.train_img_s / base.train) : NaN,
          infer_speedup: base ? round(r.infer_img_s / base.infer) : NaN,
          torch_train_img_s_1t: tt(1),
          torch_train_img_s_2t: tt(2),
          train_vs_torch_1t: ratio(tt(1), r.train_img_s),
          train_vs_torch_2t: ratio(tt(2), r.train_img_s),
          torch_infer_img_s_1t: ti(1),
          torch_infer_img_s_2t: ti(2),
          infer_vs_torch_1t: ratio(ti(1), r.infer_img_s),
          infer_vs_torch_2t: ratio(ti(2), r.infer_img_s),
        };
        if (values.json) console.log(JSON.stringify(row));
        else {
          const vs = (x: number | null) => (x === null ? '-' : `${x}x`);
          console.log(
            `${row.model.padEnd(6)} ${String(row.workers).padStart(2)} worker(s) ${row.backend}  train ${row.train_img_s.toFixed(0).padStart(6)} img/s (x${row.train_speedup} over 1 worker; vs torch 1t ${vs(row.train_vs_torch_1t)}, 2t ${vs(row.train_vs_torch_2t)}; median-step ${row.train_img_s_median.toFixed(0)})` +
              `  infer ${row.infer_img_s.toFixed(0).padStart(6)} img/s (x${row.infer_speedup}; vs torch 1t ${vs(row.infer_vs_torch_1t)}, 2t ${vs(row.infer_vs_torch_2t)})  cpu share ${row.cpu_share}, load ${row.load1}`,
          );
        }
      }
    }
    return 0;
  },
};
