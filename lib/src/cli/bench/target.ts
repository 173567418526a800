import { type Command } from '../command';

/**
 * A `memgeo bench <name>` target: one file per target in `cli/bench/` exporting `target`, found by
 * `cli/commands/bench.ts` with the commands' loader (`loadPlugins`), so it has a command's shape:
 * the word after `memgeo bench`, a one-line summary for `memgeo bench --help`, its usage text and
 * `run` on the arguments after the target name. Benchmarks print numbers (one JSON line per
 * measurement with --json); they never assert on speed.
 */
export type BenchTarget = Command;
