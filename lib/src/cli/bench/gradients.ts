/*
 * `memgeo bench gradients`: seconds of the gradient analysis at one checkpoint of the default run
 * (the small CNN, width 0.5, on 2000 MNIST-shaped images): the group gradients (`checkpointGradients`
 * over the unpermuted / permuted halves) and one draw of the scaling check (`gradientScalingRows`,
 * n = 8…512 per group), the total alone (`reference` null, one backward pass per batch) against the
 * split into label-independent and label-dependent parts (a second backward pass on the same forward
 * pass), interleaved so both see the same machine load. Throughput does not depend on pixel values or weights: random images, a freshly
 * initialized model. Prints numbers; asserts nothing.
 */

import * as os from 'os';
import { initBackend } from '../../backend';
import { checkpointGradients } from '../../gradients/checkpointGradients';
import { gradientScalingRows } from '../../gradients/gradientScaling';
import type { GroupIndices } from '../../gradients/gradientGroups';
import { createModel, describeModelSpec } from '../../models';
import { Rng } from '../../random';
import { runAsScript } from '../command';
import { parseFlags, parseNumber } from '../options';
import type { BenchTarget } from './target';

const usage = `usage: memgeo bench gradients [--examples N] [--repeats R] [--width W] [--json]

Seconds of the per-group gradients at one checkpoint (what the gradients step does per epoch) and of
one draw of the scaling check, total only against the split into label-independent and
label-dependent parts, alternating R times; prints the median of each and their ratio. Record 'uptime' with the numbers: the machine is shared.
  --examples N   training examples (default 2000, the default preset's)
  --repeats R    timed repetitions of each, after one warm-up of each (default 3)
  --width W      CNN width multiplier (default 0.5, the default preset's)
  --json         one JSON object`;

export async function benchGradients(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    examples: { type: 'string' },
    repeats: { type: 'string' },
    width: { type: 'string' },
    json: { type: 'boolean' },
  });
  const n = parseNumber(values.examples, '--examples', { integer: true, min: 2 }) ?? 2000;
  const repeats = parseNumber(values.repeats, '--repeats', { integer: true, min: 1 }) ?? 3;
  const width = parseNumber(values.width, '--width', { min: 0.01 }) ?? 0.5;
  const backend = await initBackend();
  const shape: [number, number, number] = [28, 28, 1];
  const spec = { family: 'cnn' as const, width };
  const rng = new Rng(0);
  const images = Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => rng.uniform());
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const half = Math.floor(n / 2);
  const groups: GroupIndices[] = [
    { group: 'unpermuted', indices: Int32Array.from({ length: half }, (_, i) => i) },
    { group: 'permuted', indices: Int32Array.from({ length: n - half }, (_, i) => half + i) },
  ];
  const model = createModel(spec, shape, 10, 0);
  const ns = [8, 16, 32, 64, 128, 256, 512].filter((k) => k <= n - half && k <= half);
  const tasks = {
    groups: (split: boolean) => checkpointGradients(model, images, labels, groups, 256, split ? 'uniform' : null),
    scaling: (split: boolean) =>
      gradientScalingRows(model, images, labels, groups, 0, { ns, draws: 1, seed: 0, batchSize: 256, reference: split ? 'uniform' : null }),
  };
  const time = (what: keyof typeof tasks, split: boolean) => {
    const t = performance.now();
    tasks[what](split);
    return (performance.now() - t) / 1000;
  };
  const load0 = os.loadavg()[0];
  const seconds = { groups: { total: [] as number[], split: [] as number[] }, scaling: { total: [] as number[], split: [] as number[] } };
  try {
    for (const what of ['groups', 'scaling'] as const) {
      time(what, false);
      time(what, true);
      for (let r = 0; r < repeats; r++) {
        seconds[what].total.push(time(what, false));
        seconds[what].split.push(time(what, true));
      }
    }
  } finally {
    model.dispose();
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
  const summary = (what: keyof typeof seconds) => ({
    totalOnlySeconds: median(seconds[what].total),
    splitSeconds: median(seconds[what].split),
    ratio: median(seconds[what].split) / median(seconds[what].total),
    allTotalOnly: seconds[what].total,
    allSplit: seconds[what].split,
  });
  const row = {
    model: describeModelSpec(spec),
    examples: n,
    scalingNs: ns,
    repeats,
    backend,
    groups: summary('groups'),
    scaling: summary('scaling'),
    load1Before: load0,
    load1After: os.loadavg()[0],
    cpus: os.cpus().length,
  };
  if (values.json) console.log(JSON.stringify(row));
  else {
    console.log(
      `bench gradients: backend ${backend}, ${row.cpus} cpus, load ${load0.toFixed(2)} → ${row.load1After.toFixed(2)}; ${row.model}, ${n} examples, batch 256, median of ${repeats}`,
    );
    console.log(`${'task'.padEnd(44)} ${'total only'.padStart(10)} ${'split'.padStart(8)} ${'ratio'.padStart(6)}`);
    for (const [what, label] of [
      ['groups', `group gradients (${n} examples)`],
      ['scaling', `scaling check, 1 draw, n = ${ns[0]}…${ns[ns.length - 1]} per group`],
    ] as const) {
      const r = row[what];
      console.log(
        `${label.padEnd(44)} ${(r.totalOnlySeconds.toFixed(2) + ' s').padStart(10)} ${(r.splitSeconds.toFixed(2) + ' s').padStart(8)} ${(r.ratio.toFixed(2) + 'x').padStart(6)}   [${r.allTotalOnly.map((s) => s.toFixed(2)).join(', ')}] / [${r.allSplit.map((s) => s.toFixed(2)).join(', ')}]`,
      );
    }
  }
  return 0;
}

/** `memgeo bench gradients`, found by cli/commands/bench.ts. */
export const target: BenchTarget = {
  name: 'gradients',
  summary: 'seconds of the per-group gradients at one checkpoint: total only vs split into label-independent/-dependent parts',
  usage,
  run: benchGradients,
};

if (require.main === module) runAsScript(target, 'bench gradients');
