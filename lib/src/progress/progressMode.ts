import { InputError } from '../errors';
import { inNotebook } from '../notebook/display';

/**
 * How long work reports progress (training epochs, analysis cells, rewound models, sweep points,
 * pipeline steps), one option for a whole pipeline:
 * - `bar`: a live bar on stderr, redrawn in place; for terminals.
 * - `lines`: finished lines on stderr; for logs and pipes.
 * - `compact`: short lines on stdout (tslab shows stdout as it comes).
 * - `live`: in a notebook, one line of the cell updated in place (a saved notebook keeps the final
 *   state, not a log); outside a tslab kernel it falls back to `compact`.
 * - `none`: silent.
 * - `auto` (default): the mode in MEMGEO_PROGRESS when that is set; else `none` when MEMGEO_QUIET is
 *   set, `live` in a notebook, `bar` when stderr is a terminal, `lines` otherwise.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'compact' | 'live' | 'none';

/** A progress mode once `auto` has been decided. */
export type ResolvedProgressMode = Exclude<ProgressMode, 'auto'>;

/** Every progress mode, in the order error messages list them. */
export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'bar', 'lines', 'compact', 'live', 'none'];

function checkMode(value: unknown, where: string): ProgressMode {
  if (!(PROGRESS_MODES as readonly unknown[]).includes(value))
    throw new InputError(`${where}: expected one of ${PROGRESS_MODES.join(', ')}, got '${String(value)}'`);
  return value as ProgressMode;
}

/**
 * The mode progress is shown in: `mode` when it names one, else (undefined or `auto`) MEMGEO_PROGRESS,
 * else the environment decides (see `ProgressMode`). A value that is not a mode, in either place, is
 * an `InputError` (the CLI exits 2) rather than a silent fallback.
 */
export function resolveProgressMode(mode?: ProgressMode): ResolvedProgressMode {
  let m = mode === undefined ? 'auto' : checkMode(mode, 'progress');
  const env = process.env.MEMGEO_PROGRESS;
  if (m === 'auto' && env) m = checkMode(env, 'MEMGEO_PROGRESS');
  if (m === 'live') return inNotebook() ? 'live' : 'compact';
  if (m !== 'auto') return m;
  if (process.env.MEMGEO_QUIET) return 'none';
  if (inNotebook()) return 'live';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

/** Erases the terminal line a bar is drawn on (carriage return, erase to end of line). */
const CLEAR_LINE = '\r\x1b[K';

/**
 * Write one finished line where `mode` sends progress: stdout for `compact` and `live` (a notebook
 * shows stdout), stderr for `lines` and `bar` (over the bar's line), nowhere for `none`.
 */
export function writeProgressLine(mode: ResolvedProgressMode, text: string): void {
  if (mode === 'none') return;
  if (mode === 'compact' || mode === 'live') console.log(text);
  else process.stderr.write(`${mode === 'bar' ? CLEAR_LINE : ''}${text}\n`);
}

/** A message about the user's files (a table rebuilt, a run replaced): on stderr in every mode, `none` included. */
export function writeProgressWarning(mode: ResolvedProgressMode, text: string): void {
  process.stderr.write(`${mode === 'bar' ? CLEAR_LINE : ''}${text}\n`);
}

/** Redraw the `bar` mode's line on stderr (no newline: the next draw replaces it). */
export function drawProgressBar(text: string): void {
  process.stderr.write(`${CLEAR_LINE}${text}`);
}

/** The least time between two redraws of a bar or a live line, so drawing never slows the work. */
export const REDRAW_MS = 150;
