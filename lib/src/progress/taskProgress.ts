import { inNotebook } from '../notebook/display';
import { LiveLine } from '../notebook/liveLine';
/**
 * Progress of long work that is a count of items (analysis cells, rewound models, sweep points):
 * - `bar`: a live bar on stderr, redrawn in place (terminals);
 * - `lines`: a line on stderr at most every few seconds and at the end (logs, pipes);
 * - `compact`: the same lines on stdout (tslab shows stdout as it comes);
 * - `live`: one line of the notebook cell, updated in place (a tslab kernel only);
 * - `none`: silent;
 * - `auto`: `live` in a notebook, `bar` on a terminal, else `lines`; `none` when MEMGEO_QUIET is set.
 * The same modes as training's progress, so one `progress` option serves a whole pipeline.
 */
export type TaskProgressMode = 'auto' | 'bar' | 'lines' | 'compact' | 'live' | 'none';

export interface TaskProgress {
  /** `n` more items done; `note` is shown after the counts (e.g. the last item's name). */
  tick(n?: number, note?: string): void;
  /** A one-off message. */
  log(text: string): void;
  /** Finish (prints the total time). */
  done(summary?: string): void;
}

export function resolveProgressMode(mode: TaskProgressMode | undefined): Exclude<TaskProgressMode, 'auto'> {
  const m = mode ?? ((process.env.MEMGEO_PROGRESS as TaskProgressMode | undefined) || 'auto');
  if (m === 'live') return inNotebook() ? 'live' : 'compact';
  if (m !== 'auto') return m;
  if (process.env.MEMGEO_QUIET) return 'none';
  if (inNotebook()) return 'live';
  return process.stderr.isTTY ? 'bar' : 'lines';
}

/** Seconds as `1h02m`, `3m05s` or `4.2s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Start reporting progress of `total` items labelled `label`. */
export function taskProgress(label: string, total: number, mode?: TaskProgressMode): TaskProgress {
  const m = resolveProgressMode(mode);
  const t0 = Date.now();
  let done = 0;
  let lastDraw = 0;
  let lastLine = t0;
  const write = (text: string) => (m === 'compact' || m === 'live' ? console.log(text) : process.stderr.write(text + '\n'));
  const line = m === 'live' ? new LiveLine() : null;
  const status = (note?: string) => {
    const elapsed = (Date.now() - t0) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    return {
      elapsed,
      eta,
      text: `${label}: ${done}/${total}${note ? ` (${note})` : ''}, ${formatSeconds(elapsed)} elapsed${done < total ? `, ETA ${formatSeconds(eta)}` : ''}`,
    };
  };
  return {
    tick(n = 1, note) {
      done = Math.min(total, done + n);
      const now = Date.now();
      if (m === 'bar') {
        if (now - lastDraw < 150 && done < total) return;
        lastDraw = now;
        const width = 24;
        const filled = total > 0 ? Math.round((done / total) * width) : width;
        const s = status(note);
        process.stderr.write(
          `\r\x1b[K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${formatSeconds(s.elapsed)} ETA ${formatSeconds(s.eta)}${note ? ` ${note}` : ''}`,
        );
      } else if (line) {
        line.update(status(note).text, done >= total);
      } else if (m === 'lines' || m === 'compact') {
        if (now - lastLine < 5000 && done < total) return;
        lastLine = now;
        write(status(note).text);
      }
    },
    log(text) {
      if (m === 'none') return;
      if (m === 'bar') process.stderr.write(`\r\x1b[K${text}\n`);
      else write(text);
    },
    done(summary) {
      if (m === 'none') return;
      const text = `${label}: ${done}/${total} done in ${formatSeconds((Date.now() - t0) / 1000)}${summary ? ` — ${summary}` : ''}`;
      if (m === 'bar') process.stderr.write(`\r\x1b[K${text}\n`);
      else if (line) line.update(text, true);
      else write(text);
    },
  };
}
