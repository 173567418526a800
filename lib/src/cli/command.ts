import { parseWorkerCount } from '../parallel/workerCount';
import { MAX_SEED } from '../random/rng';
import { MAX_EPOCHS } from '../train/runConfig';

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

/** Longest list `parseNumberList` expands: more entries than any run has epochs. */
export const MAX_LIST_LENGTH = 100_000;

/** Bounds of the numbers of a list flag, with the reason given when one is out of bounds. */
export interface NumberListBounds {
  min?: number;
  max?: number;
  /** Why `max` is the limit (shown in the error). */
  why?: string;
}

/** The bounds of every epoch-list flag: epochs are 0..MAX_EPOCHS, the most a run can have. */
export const EPOCH_BOUNDS: NumberListBounds = {
  min: 0,
  max: MAX_EPOCHS,
  why: `no run has more than ${MAX_EPOCHS} epochs (the limit of config.epochs)`,
};

/**
 * Parse a comma-separated list of numbers ("0,5,10") or ranges ("0-10", "0-10:2"). A range's length
 * is computed before it is expanded, so "0-1000000000" is an error rather than a billion numbers.
 */
export function parseNumberList(value: string, flag: string, bounds: NumberListBounds = {}): number[] {
  const out: number[] = [];
  const check = (v: number, part: string) => {
    if (bounds.min !== undefined && v < bounds.min) throw new UsageError(`${flag}: '${part}' is below ${bounds.min}`);
    if (bounds.max !== undefined && v > bounds.max)
      throw new UsageError(`${flag}: '${part}' is above ${bounds.max}${bounds.why ? `: ${bounds.why}` : ''}`);
  };
  for (const part of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(-?\d+)-(\d+)(?::(\d+))?$/.exec(part);
    if (m) {
      const [a, b, step] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 1)];
      if (step <= 0 || b < a) throw new UsageError(`${flag}: bad range '${part}'`);
      check(a, part);
      check(b, part);
      const length = Math.floor((b - a) / step) + 1;
      if (out.length + length > MAX_LIST_LENGTH)
        throw new UsageError(`${flag}: '${part}' has ${length} values; a list holds at most ${MAX_LIST_LENGTH}`);
      for (let v = a; v <= b; v += step) out.push(v);
      continue;
    }
    const v = Number(part);
    if (!Number.isFinite(v)) throw new UsageError(`${flag}: '${part}' is not a number`);
    check(v, part);
    if (out.length + 1 > MAX_LIST_LENGTH) throw new UsageError(`${flag}: a list holds at most ${MAX_LIST_LENGTH} values`);
    out.push(v);
  }
  if (out.length === 0) throw new UsageError(`${flag}: empty list`);
  return out;
}

/** Parse an epoch list flag (0..MAX_EPOCHS, integers). */
export function parseEpochList(value: string, flag: string): number[] {
  const list = parseNumberList(value, flag, EPOCH_BOUNDS);
  for (const v of list) if (!Number.isInteger(v)) throw new UsageError(`${flag}: epoch '${v}' is not an integer`);
  return list;
}

/** Parse a seed flag: an integer in 0..2^32 − 1 (a larger one would repeat a smaller one's draws). */
export function parseSeed(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!Number.isInteger(v) || v < 0 || v > MAX_SEED)
    throw new UsageError(
      `${flag}: a seed must be an integer in 0..${MAX_SEED} (2^32 - 1; larger ones would repeat smaller ones' draws), got '${value}'`,
    );
  return v;
}

/** Parse a numeric flag value, with a clear error naming the flag. */
export function parseNumber(
  value: string | undefined,
  flag: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
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
  if (value !== undefined && !['auto', 'bar', 'lines', 'compact', 'none'].includes(value))
    throw new UsageError(`--progress: expected bar, lines, compact or none, got '${value}'`);
  return value as 'auto' | 'bar' | 'lines' | 'compact' | 'none' | undefined;
}

/** `--layers a,b,c`: the analysis points named, or undefined when absent; an empty list is an error. */
export function parseLayerList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const layers = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (layers.length === 0) throw new UsageError('--layers: empty list');
  return layers;
}

/** A `--workers` value: a whole number ≥ 1, capped at the cores available with a message (parseWorkerCount). */
export function parseWorkers(value: string | undefined, flag = '--workers'): number | undefined {
  return value === undefined ? undefined : parseWorkerCount(value, flag);
}
