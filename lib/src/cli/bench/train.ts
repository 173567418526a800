import * as os from 'os';
import { parseArgs } from 'util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, profileKernels } from '../../backend';
import { parseNumber, UsageError } from '../command';
import type { BenchTarget } from './target';

/**
 * `memgeo bench train`: training and inference throughput of the four reference models of
 * PyTorch's reference benchmark (docs/stack.md §3), built the same way: 3×3 'same' convs with bias,
 * conv → BN → ReLU, SGD(lr 0.01), batch 128, cross-entropy on logits, one fixed random batch;
 * inference is predict at batch 512. Reports the ratio to PyTorch's single-thread numbers.
 */

export type BenchModelName = 'mlp' | 'cnn2' | 'cnn4' | 'cnn4c';
const MODELS: BenchModelName[] = ['mlp', 'cnn2', 'cnn4', 'cnn4c'];

/** PyTorch 1.13 (Debian 12), 2-core machine kind, images/s, measured 2026-11-27 (docs/stack.md §3). */
export const TORCH_REFERENCE: Record<BenchModelName, { train1: number; train2: number; infer1: number; infer2: number }> = {
  mlp: { train1: 39859, train2: 15365, infer1: 198741, infer2: 44768 },
  cnn2: { train1: 5835, train2: 6645, infer1: 7289, infer2: 10677 },
  cnn4: { train1: 849, train2: 1191, infer1: 1238, infer2: 2310 },
  cnn4c: { train1: 648, train2: 990, infer1: 820, infer2: 1317 },
};

const TRAIN_BATCH = 128;
const INFER_BATCH = 512;

export function inputShapeOf(name: BenchModelName): [number, number, number] {
  return name === 'cnn4c' ? [32, 32, 3] : [28, 28, 1];
}

/** The reference models, output = logits (10 classes). */
export function buildBenchModel(name: BenchModelName): tf.Sequential {
  const inputShape = inputShapeOf(name);
  const m = tf.sequential();
  const conv = (filters: number, first = false) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: true, ...(first ? { inputShape } : {}) });
  const relu = () => tf.layers.activation({ activation: 'relu' });
  if (name === 'mlp') {
    m.add(tf.layers.flatten({ inputShape }));
    m.add(tf.layers.dense({ units: 512, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 512, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10 }));
  } else if (name === 'cnn2') {
    m.add(tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10 }));
  } else {
    m.add(conv(32, true));
    m.add(tf.layers.batchNormalization());
    m.add(relu());
    m.add(conv(32));
    m.add(relu());
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(conv(64));
    m.add(tf.layers.batchNormalization());
    m.add(relu());
    m.add(conv(64));
    m.add(relu());
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
    m.add(tf.layers.dense({ units: 10 }));
  }
  return m;
}

/** Cross-entropy on logits (PyTorch's CrossEntropyLoss), as a Keras-style loss function. */
export function softmaxCrossEntropyLoss(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.losses.softmaxCrossEntropy(yTrue, logits);
}

export interface TrainBenchRow {
  model: BenchModelName;
  backend: string;
  train_img_s: number;
  infer_img_s: number;
  torch_train_img_s_1t: number;
  torch_infer_img_s_1t: number;
  /** PyTorch single-thread / ours: how many times slower we are (target ≤ 6). */
  train_gap_vs_torch_1t: number;
  infer_gap_vs_torch_1t: number;
  /** Throughput from the median step time (less sensitive to other processes' load). */
  train_img_s_median: number;
  /** Images per CPU-second of this process (median step): what an idle core would give, roughly. */
  train_img_cpu_s: number;
  train_steps: number;
  seconds: number;
  /** CPU time / wall time of this process while training (≈1 on an idle machine). */
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
  return { perSecond: (times.length * 1000) / wall, perSecondMedian: 1000 / median, count: times.length, cpuShare: (cpu.user + cpu.system) / 1000 / wall, perCpuSecondMedian: 1000 / cpuMedian };
}

export async function benchTrainModel(name: BenchModelName, opts: { seconds: number; inferSeconds: number; profile?: boolean }): Promise<{ row: TrainBenchRow; profile?: string }> {
  const backend = await initBackend();
  const model = buildBenchModel(name);
  model.compile({ optimizer: tf.train.sgd(0.01), loss: softmaxCrossEntropyLoss });
  const [h, w, c] = inputShapeOf(name);
  const x = tf.randomNormal([TRAIN_BATCH, h, w, c], 0, 1, 'float32', 1);
  const labels = tf.tensor1d(Array.from({ length: TRAIN_BATCH }, (_, i) => (i * 7919) % 10), 'int32');
  const y = tf.oneHot(labels, 10).toFloat();
  const step = async () => {
    await model.trainOnBatch(x, y);
  };
  const train = await timeLoop(step, opts.seconds, 3);
  let profile: string | undefined;
  if (opts.profile) {
    const steps = Math.max(3, Math.min(20, train.count));
    const p = await profileKernels(async () => {
      for (let i = 0; i < steps; i++) await step();
    });
    const lines = p.kernels.slice(0, 25).map((k) => `  ${k.kernel.padEnd(24)} ${(k.ms / steps).toFixed(2).padStart(8)} ms/step ${String(k.calls / steps).padStart(5)} calls/step ${((100 * k.ms) / p.wallMs).toFixed(1).padStart(5)}%`);
    profile = [`${name}: ${(p.wallMs / steps).toFixed(1)} ms/step, kernels ${(p.kernelMs / steps).toFixed(1)} ms, other ${((p.wallMs - p.kernelMs) / steps).toFixed(1)} ms`, ...lines].join('\n');
  }
  const xi = tf.randomNormal([INFER_BATCH, h, w, c], 0, 1, 'float32', 2);
  const infer = await timeLoop(() => tf.tidy(() => void (model.predict(xi) as tf.Tensor).dataSync()), opts.inferSeconds, 1);
  tf.dispose([x, labels, y, xi]);
  model.dispose();
  const ref = TORCH_REFERENCE[name];
  const trainImgS = train.perSecond * TRAIN_BATCH;
  const inferImgS = infer.perSecond * INFER_BATCH;
  const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    row: {
      model: name,
      backend,
      train_img_s: round(trainImgS),
      infer_img_s: round(inferImgS),
      torch_train_img_s_1t: ref.train1,
      torch_infer_img_s_1t: ref.infer1,
      train_gap_vs_torch_1t: round(ref.train1 / trainImgS, 2),
      infer_gap_vs_torch_1t: round(ref.infer1 / inferImgS, 2),
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
}

const USAGE = `usage: memgeo bench train [--json] [--models mlp,cnn2,cnn4,cnn4c] [--seconds S] [--infer-seconds S] [--profile]

Training (trainOnBatch, SGD lr 0.01, batch 128, cross-entropy on logits, one fixed random batch) and
inference (predict, batch 512) throughput of the four reference models of shared/reference/README.md,
on the backend initBackend() picks (MEMGEO_BACKEND overrides). Prints one line per model; --json
prints one JSON object per line with model, backend, train_img_s, infer_img_s and the gap to PyTorch's
single-thread numbers (torch / ours; the foundation target is train gap <= 6), plus train_img_s_median
(from the median step time), train_img_cpu_s (images per CPU-second of this process) and cpu_share (CPU time / wall time; well below 1 = other processes
competed for the CPU, so the wall-clock numbers understate the code's speed).
MEMGEO_WASM_KERNELS=appendix benchmarks the docs/stack.md Appendix A kernel set for comparison.
  --models LIST        comma-separated subset (default: all four)
  --seconds S          timed training seconds per model after 3 warm-up steps (default 5, like torch_bench.py)
  --infer-seconds S    timed inference seconds per model (default 3)
  --profile            also print a per-kernel time profile of training steps (to stderr)`;

export const target: BenchTarget = {
  name: 'train',
  summary: 'training/inference img/s of mlp, cnn2, cnn4, cnn4c vs PyTorch single-thread',
  usage: USAGE,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean', default: false },
        models: { type: 'string' },
        seconds: { type: 'string' },
        'infer-seconds': { type: 'string' },
        profile: { type: 'boolean', default: false },
      },
    });
    const models = values.models ? values.models.split(',').map((s) => s.trim()).filter(Boolean) : MODELS;
    for (const m of models) if (!MODELS.includes(m as BenchModelName)) throw new UsageError(`--models: unknown model '${m}'; known: ${MODELS.join(', ')}`);
    const seconds = parseNumber(values.seconds, '--seconds', { min: 0.1 }) ?? 5;
    const inferSeconds = parseNumber(values['infer-seconds'], '--infer-seconds', { min: 0.1 }) ?? 3;
    for (const m of models as BenchModelName[]) {
      const { row, profile } = await benchTrainModel(m, { seconds, inferSeconds, profile: values.profile });
      if (profile) process.stderr.write(profile + '\n');
      if (values.json) console.log(JSON.stringify(row));
      else {
        console.log(
          `${row.model.padEnd(6)} ${row.backend}  train ${row.train_img_s.toFixed(0).padStart(6)} img/s (median-step ${row.train_img_s_median.toFixed(0)}, per cpu-s ${row.train_img_cpu_s.toFixed(0)}; torch 1t ${row.torch_train_img_s_1t}, ${row.train_gap_vs_torch_1t}x)` +
            `  infer ${row.infer_img_s.toFixed(0).padStart(6)} img/s (torch 1t ${row.torch_infer_img_s_1t}, ${row.infer_gap_vs_torch_1t}x)  cpu share ${row.cpu_share}, load ${row.load1}`,
        );
      }
    }
    return 0;
  },
};
