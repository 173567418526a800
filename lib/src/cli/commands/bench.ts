import * as path from 'path';
import type { BenchTarget } from '../bench/target';
import { type Command, loadPlugins, pluginList, UsageError } from '../command';

/** Every `bench` target: the files of `cli/bench/` that export `target`. */
const loadTargets = () => loadPlugins(path.join(__dirname, '..', 'bench'), 'target');

function usage(targets: Map<string, BenchTarget>): string {
  return [
    'usage: memgeo bench <target> [options]',
    '',
    'Benchmarks print measured numbers (one JSON line per measurement with --json); nothing is asserted.',
    'Record `uptime` load with any number you report: the machine is shared.',
    '',
    'targets:',
    ...pluginList(targets),
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
