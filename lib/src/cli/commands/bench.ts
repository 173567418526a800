import * as fs from 'fs';
import * as path from 'path';
import type { Command } from '../command';
import { UsageError } from '../command';
import type { BenchTarget } from '../bench/target';

/** Every `bench` target: the files of `cli/bench/` that export `target`. */
function loadTargets(): Map<string, BenchTarget> {
  const dir = path.join(__dirname, '..', 'bench');
  const targets = new Map<string, BenchTarget>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.js')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(dir, file)) as { target?: BenchTarget };
    if (mod.target) targets.set(mod.target.name, mod.target);
  }
  return targets;
}

function usage(targets: Map<string, BenchTarget>): string {
  const width = Math.max(...[...targets.keys()].map((k) => k.length), 4);
  return [
    'usage: memgeo bench <target> [options]',
    '',
    'Benchmarks print measured numbers (one JSON line per measurement with --json); nothing is asserted.',
    'Record `uptime` load with any number you report: the machine is shared.',
    '',
    'targets:',
    ...[...targets.values()].map((t) => `  ${t.name.padEnd(width)}  ${t.summary}`),
    // main.ts answers any --help with this text, so it carries every target's options.
    ...[...targets.values()].flatMap((t) => ['', t.usage]),
  ].join('\n');
}

export const command: Command = {
  name: 'bench',
  summary: 'throughput benchmarks (bench train: the four reference models vs PyTorch)',
  get usage() {
    return usage(loadTargets());
  },
  async run(argv) {
    const targets = loadTargets();
    const [name, ...rest] = argv;
    if (!name) throw new UsageError(`which benchmark? one of: ${[...targets.keys()].join(', ')}`);
    const target = targets.get(name);
    if (!target) throw new UsageError(`unknown bench target '${name}'; one of: ${[...targets.keys()].join(', ')}`);
    return target.run(rest);
  },
};
