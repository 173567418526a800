/**
 * A `memgeo bench <name>` target: one file per target in `cli/bench/` exporting `target`, found by
 * `cli/commands/bench.ts` without a central list (the same pattern as CLI commands). Benchmarks print
 * numbers (one JSON line per measurement with --json); they never assert on speed.
 */
export interface BenchTarget {
  /** The word after `memgeo bench`, e.g. `train`. */
  name: string;
  /** One line for `memgeo bench --help`. */
  summary: string;
  /** Full usage text for `memgeo bench <name> --help`. */
  usage: string;
  /** Run with the arguments after the target name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}
