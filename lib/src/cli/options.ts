import * as fs from 'fs';
import { parseArgs, type ParseArgsConfig } from 'util';
import { InputError } from '../errors';
import type { EpochSelection } from '../train/selectEpochs';
import { ANALYSIS_MODES } from '../manifold/analysisSettings';
import type { AnalysisMode } from '../manifold/sharedCenterSubspace';
import { parseWorkerCount } from '../parallel/workerCount';
import { resolveProgressMode, type ProgressMode } from '../progress/progressMode';
import { MAX_SEED } from '../random/rng';
import { MAX_EPOCHS } from '../train/runConfig';
import { UsageError } from './command';

/*
 * The CLI's one option layer. Every command parses its arguments with `parseFlags`, takes the flags
 * that several commands share from `flags(...)` (spelt and typed once) and turns their values into
 * library options with the parsers below, so a flag means the same and fails with the same message in
 * every command that has it. A command's own flags stay in its file.
 */

type FlagSpecs = NonNullable<ParseArgsConfig['options']>;

/** The flags shared by several commands (the analysis settings, epochs, layers, threads, progress, output). */
const SHARED_FLAGS = {
  epochs: { type: 'string' },
  layers: { type: 'string' },
  P: { type: 'string' },
  M: { type: 'string' },
  'n-t': { type: 'string' },
  kappa: { type: 'string' },
  seed: { type: 'string' },
  seeds: { type: 'string' },
  mode: { type: 'string' },
  'projection-dim': { type: 'string' },
  workers: { type: 'string' },
  progress: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies FlagSpecs;

export type SharedFlag = keyof typeof SHARED_FLAGS;

/** The parseArgs specs of the named shared flags, to spread into a command's options. */
export function flags<K extends SharedFlag>(...names: K[]): Pick<typeof SHARED_FLAGS, K> {
  return Object.fromEntries(names.map((n) => [n, SHARED_FLAGS[n]])) as Pick<typeof SHARED_FLAGS, K>;
}

/** What `parseFlags` returns for the flag specs `O`: their typed values and the positionals. */
export type ParsedFlags<O extends FlagSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>
>;

/**
 * Parse a command's arguments: unknown flags and missing values are errors (strict), positionals only
 * where the command takes them. Node's parse errors exit 2 like a UsageError (`reportError`).
 */
export function parseFlags<O extends FlagSpecs>(argv: string[], options: O, allowPositionals = false): ParsedFlags<O> {
  return parseArgs({ args: argv, options, strict: true, allowPositionals });
}

/** The run directory a command works on: exactly one positional argument. */
export function parseRunDir(positionals: string[], usage: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one run directory, got ${positionals.length}\n\n${usage}`);
  return positionals[0];
}

/** The JSON in the file a flag names (`--config FILE`), with an error naming the flag and the file when it cannot be read or parsed. */
export function readJsonFlag(file: string, flag: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${flag}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${flag}: ${file} does not parse as JSON: ${(err as Error).message}`);
  }
}

/** `a`, `a or b`, `a, b or c`. */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * A flag whose value is one of `choices` (undefined when absent); `alsoAccepted` are taken without
 * being listed (e.g. `auto`, the default spelt out).
 */
export function parseChoice<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
  alsoAccepted: readonly T[] = [],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value) && !(alsoAccepted as readonly string[]).includes(value))
    throw new UsageError(`${flag}: expected ${orList(choices)}, got '${value}'`);
  return value as T;
}

/**
 * `--progress MODE` (bar, lines, compact, none; auto when absent). MEMGEO_PROGRESS is checked here
 * too, so a bad value of it is refused before any work starts rather than when the first progress
 * line is due.
 */
export function parseProgress(value: string | undefined): ProgressMode | undefined {
  const mode = parseChoice<ProgressMode>(value, '--progress', ['bar', 'lines', 'compact', 'none'], ['auto']);
  resolveProgressMode(mode);
  return mode;
}

/** `--quiet` of commands without --progress: no progress at all, else the default (MEMGEO_PROGRESS checked as by `parseProgress`). */
export function parseQuiet(quiet: boolean | undefined): ProgressMode | undefined {
  return quiet ? 'none' : parseProgress(undefined);
}

/** The MFTMA settings given as flags (each undefined when absent, for the library's default). */
export interface AnalysisFlags {
  P?: number;
  M?: number;
  nT?: number;
  kappa?: number;
  seed?: number;
  seeds?: number;
  mode?: AnalysisMode;
  projectionDim?: number;
}

/**
 * The analysis flags --P, --M, --n-t, --kappa, --seed, --seeds, --mode and --projection-dim, as the
 * library's option names; a command reads those of them it has (the others stay undefined). Here
 * only the flags' syntax is checked; the library checks the settings together.
 */
export function parseAnalysisFlags(values: { [flag: string]: unknown }): AnalysisFlags {
  const str = (flag: string) => values[flag] as string | undefined;
  return {
    P: parseNumber(str('P'), '--P', { integer: true, min: 2 }),
    M: parseNumber(str('M'), '--M', { integer: true, min: 2 }),
    nT: parseNumber(str('n-t'), '--n-t', { integer: true, min: 1 }),
    kappa: parseNumber(str('kappa'), '--kappa'),
    seed: parseSeed(str('seed'), '--seed'),
    seeds: parseNumber(str('seeds'), '--seeds', { integer: true, min: 1 }),
    mode: parseChoice<AnalysisMode>(str('mode'), '--mode', [...ANALYSIS_MODES]),
    projectionDim: parseNumber(str('projection-dim'), '--projection-dim', { integer: true, min: 1 }),
  };
}

/**
 * An epoch-list flag over a run's checkpoints: `all` (every checkpoint), a list or ranges, or
 * `fallback` when absent.
 */
export function parseRunEpochs(value: string | undefined, flag: string, checkpoints: number[], fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value === 'all' ? checkpoints : parseEpochList(value, flag);
}

/** `--epochs` of the analyses: all (default), a list or ranges, or count:N → an epoch selection. */
export function parseEpochSpec(value: string | undefined): EpochSelection {
  if (value === undefined || value === 'all') return 'all';
  const m = /^count:(\d+)$/.exec(value);
  if (m) {
    const n = Number(m[1]);
    if (n < 2) throw new UsageError(`--epochs count:N needs N >= 2, got ${n}`);
    if (n > MAX_LIST_LENGTH)
      throw new UsageError(`--epochs count:N needs N <= ${MAX_LIST_LENGTH} (no run has more checkpoints), got ${m[1]}`);
    return { count: n };
  }
  return parseEpochList(value, '--epochs');
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
