/**
 * A CLI subcommand: `npx memgeo <name> ...`. Each lives in its own file under `cli/commands/` and is
 * found by `cli/main.ts` without a central list, so a new command is one new file.
 */
export interface Command {
  /** The word after `memgeo`, e.g. `mftma`. */
  name: string;
  /** One line for `memgeo --help`. */
  summary: string;
  /** Full usage text for `memgeo <name> --help`. */
  usage: string;
  /** Run with the arguments after the command word; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** An error whose message is shown to the user as-is (no stack trace), exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parse a comma-separated list of numbers ("0,5,10") or ranges ("0-10", "0-10:2"). */
export function parseNumberList(value: string, flag: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(-?\d+)-(\d+)(?::(\d+))?$/.exec(part);
    if (m) {
      const [a, b, step] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)];
      if (step <= 0 || b < a) throw new UsageError(`${flag}: bad range '${part}'`);
      for (let v = a; v <= b; v += step) out.push(v);
      continue;
    }
    const v = Number(part);
    if (!Number.isFinite(v)) throw new UsageError(`${flag}: '${part}' is not a number`);
    out.push(v);
  }
  if (out.length === 0) throw new UsageError(`${flag}: empty list`);
  return out;
}

/** Parse a numeric flag value, with a clear error naming the flag. */
export function parseNumber(value: string | undefined, flag: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isFinite(v)) throw new UsageError(`${flag}: '${value}' is not a number`);
  if (opts.integer && !Number.isInteger(v)) throw new UsageError(`${flag}: '${value}' must be an integer`);
  if (opts.min !== undefined && v < opts.min) throw new UsageError(`${flag}: must be >= ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new UsageError(`${flag}: must be <= ${opts.max}, got ${v}`);
  return v;
}

/** `--progress MODE` (bar, lines, compact, none; auto when absent). */
export function parseProgress(value: string | undefined): 'auto' | 'bar' | 'lines' | 'compact' | 'none' | undefined {
  if (value !== undefined && !['auto', 'bar', 'lines', 'compact', 'none'].includes(value)) throw new UsageError(`--progress: expected bar, lines, compact or none, got '${value}'`);
  return value as 'auto' | 'bar' | 'lines' | 'compact' | 'none' | undefined;
}

/** `--layers a,b,c`: the analysis points named, or undefined when absent; an empty list is an error. */
export function parseLayerList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const layers = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (layers.length === 0) throw new UsageError('--layers: empty list');
  return layers;
}
