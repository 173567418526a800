#!/usr/bin/env node
/*
 * `memgeo bench epoch` (also `node lib/dist/cli/bench/epoch.js`): seconds per training epoch of the
 * default model configurations, measured with the training loop's own step (`optimizerStep`, Adam,
 * batch 128) and evaluation pass (`predictLogits`, batch 512) on random images of each dataset's
 * shape (throughput does not depend on pixel values). Prints numbers; asserts nothing.
 */

import * as os from 'os';
import { initBackend } from '../../backend';
import { createModel, describeModelSpec, type ModelSpec } from '../../models';
import { Rng } from '../../random';
import { Optimizer, predictLogits, resolveRunConfig, optimizerStep } from '../../train';
import { runAsScript, UsageError } from '../command';
import { parseFlags, parseNumber } from '../options';
import type { BenchTarget } from './target';

interface BenchConfig {
  key: string;
  spec: ModelSpec;
  shape: [number, number, number];
  /** Training examples per epoch and test examples evaluated after it, as in the run it stands for. */
  trainSize: number;
  testSize: number;
}

/**
 * The configurations worth timing: memgeo's default run (RUN_CONFIG_DEFAULTS), docs/small-scale.md's CNN
 * and MLP settings, then the paper's models at reduced and full width on CIFAR-sized inputs.
 */
export const BENCH_CONFIGS: BenchConfig[] = [
  { key: 'default', spec: { family: 'cnn', width: 0.5 }, shape: [28, 28, 1], trainSize: 2000, testSize: 10000 },
  { key: 'cnn', spec: { family: 'cnn', width: 1 }, shape: [28, 28, 1], trainSize: 5000, testSize: 10000 },
  { key: 'mlp', spec: { family: 'mlp', depth: 4, width: 512 }, shape: [28, 28, 1], trainSize: 5000, testSize: 10000 },
  { key: 'vgg16-quarter', spec: { family: 'vgg', depth: 16, width: 0.25 }, shape: [32, 32, 3], trainSize: 10000, testSize: 10000 },
  // The `cifar` preset's main run and its double-descent CNN at the widest point (lib/src/experiments/presets.ts).
  { key: 'vgg16-eighth', spec: { family: 'vgg', depth: 16, width: 0.125 }, shape: [32, 32, 3], trainSize: 5000, testSize: 2000 },
  { key: 'cnn-cifar', spec: { family: 'cnn', width: 1 }, shape: [32, 32, 3], trainSize: 2000, testSize: 2000 },
  { key: 'resnet18-k8', spec: { family: 'resnet18', width: 8 }, shape: [32, 32, 3], trainSize: 10000, testSize: 10000 },
  { key: 'vgg16', spec: { family: 'vgg', depth: 16, width: 1 }, shape: [32, 32, 3], trainSize: 50000, testSize: 10000 },
  { key: 'resnet18', spec: { family: 'resnet18', width: 64 }, shape: [32, 32, 3], trainSize: 50000, testSize: 10000 },
];
const DEFAULT_KEYS = ['default', 'cnn', 'mlp', 'vgg16-quarter', 'vgg16-eighth', 'cnn-cifar', 'resnet18-k8'];

const usage = `usage: memgeo bench epoch [--models KEY,...] [--batches N] [--json]

Seconds per epoch (training + the per-epoch evaluation of train and test sets) of default model
configurations, from the measured throughput of the training step (Adam, batch 128) and of inference
(batch 512) on random images. Record 'uptime' load with the numbers: the machine is shared. 'cpu'
is this process's CPU time over the wall time of the timed parts: well below 1 means other
processes took the core, and img/s divided by it approximates an unloaded core.
  --models LIST   keys among: ${BENCH_CONFIGS.map((c) => c.key).join(', ')}
                  (default ${DEFAULT_KEYS.join(',')}; vgg16 and resnet18 are full width: slow)
  --batches N     timed training batches per model after 2 warm-up batches (default 8)
  --json          one JSON object per model`;

export async function benchEpoch(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { models: { type: 'string' }, batches: { type: 'string' }, json: { type: 'boolean' } });
  const keys = values.models ? values.models.split(',').map((s) => s.trim()) : DEFAULT_KEYS;
  for (const k of keys)
    if (!BENCH_CONFIGS.some((c) => c.key === k))
      throw new UsageError(`--models: unknown key '${k}'; known: ${BENCH_CONFIGS.map((c) => c.key).join(', ')}`);
  const batches = parseNumber(values.batches, '--batches', { integer: true, min: 1 }) ?? 8;
  const backend = await initBackend();
  const load = os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  if (!values.json) {
    console.log(`bench epoch: backend ${backend}, ${os.cpus().length} cpus, load ${load}; Adam, batch 128; eval batch 512`);
    console.log(
      `${'model'.padEnd(16)} ${'input'.padEnd(8)} ${'params'.padStart(10)} ${'train img/s'.padStart(12)} ${'eval img/s'.padStart(11)} ${'s/epoch'.padStart(8)} ${'cpu'.padStart(5)}  (train N + eval N+test)`,
    );
  }
  for (const key of keys) {
    const c = BENCH_CONFIGS.find((b) => b.key === key)!;
    const r = await measure(c, batches);
    const secondsPerEpoch = c.trainSize / r.trainIps + (c.trainSize + c.testSize) / r.evalIps;
    const row = {
      model: key,
      spec: describeModelSpec(c.spec),
      input: c.shape.join('x'),
      params: r.params,
      trainImagesPerSecond: r.trainIps,
      evalImagesPerSecond: r.evalIps,
      cpuShare: r.cpuShare,
      trainSize: c.trainSize,
      testSize: c.testSize,
      secondsPerEpoch,
      backend,
      load,
    };
    if (values.json) console.log(JSON.stringify(row));
    else
      console.log(
        `${key.padEnd(16)} ${row.input.padEnd(8)} ${String(r.params).padStart(10)} ${r.trainIps.toFixed(0).padStart(12)} ${r.evalIps.toFixed(0).padStart(11)} ${secondsPerEpoch.toFixed(1).padStart(8)} ${r.cpuShare.toFixed(2).padStart(5)}  (${c.trainSize} + ${c.trainSize}+${c.testSize})`,
      );
  }
  return 0;
}

async function measure(c: BenchConfig, batches: number): Promise<{ params: number; trainIps: number; evalIps: number; cpuShare: number }> {
  const batch = 128;
  const per = c.shape[0] * c.shape[1] * c.shape[2];
  const rng = new Rng(0);
  const images = Float32Array.from({ length: batch * per }, () => rng.uniform());
  const labels = Int32Array.from({ length: batch }, () => rng.int(10));
  const model = createModel(c.spec, c.shape, 10, 0);
  const opt = new Optimizer(resolveRunConfig({ optimizer: { kind: 'adam' } }).optimizer, model.params);
  const vars = model.trainableVariables;
  try {
    for (let i = 0; i < 2; i++) optimizerStep(model, opt, vars, images, labels, 1e-3);
    let t = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < batches; i++) optimizerStep(model, opt, vars, images, labels, 1e-3);
    const trainWall = (performance.now() - t) / 1000;
    let cpu = process.cpuUsage(cpu0);
    let cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const trainIps = (batches * batch) / trainWall;
    // Two eval batches of 512: the first warms up (XNNPACK sets up operators per shape), the second is timed.
    const evalImages = Float32Array.from({ length: 512 * per }, () => rng.uniform());
    await predictLogits(model, evalImages);
    t = performance.now();
    const cpu1 = process.cpuUsage();
    await predictLogits(model, evalImages);
    await predictLogits(model, evalImages);
    const evalWall = (performance.now() - t) / 1000;
    cpu = process.cpuUsage(cpu1);
    cpuSeconds += (cpu.user + cpu.system) / 1e6;
    const evalIps = (2 * 512) / evalWall;
    return { params: model.numTrainable, trainIps, evalIps, cpuShare: cpuSeconds / (trainWall + evalWall) };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** `memgeo bench epoch`, found by cli/commands/bench.ts. */
export const target: BenchTarget = {
  name: 'epoch',
  summary: 'seconds per training epoch of the default model configurations',
  usage,
  run: benchEpoch,
};

if (require.main === module) runAsScript(target, 'bench epoch');
