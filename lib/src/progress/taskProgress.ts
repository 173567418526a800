import { LiveLine } from '../notebook/liveLine';
import { formatSeconds, progressBar } from './format';
import { drawProgressBar, REDRAW_MS, resolveProgressMode, writeProgressLine, type ProgressMode } from './progressMode';

/**
 * Progress of long work that is a count of items (analysis cells, rewound models, sweep points), in
 * one of the `ProgressMode`s: a bar, a line at most every few seconds and at the end (`lines` on
 * stderr, `compact` on stdout), one updated notebook line (`live`), or nothing.
 */
export interface TaskProgress {
  /** `n` more items done; `note` is shown after the counts (e.g. the last item's name). */
  tick(n?: number, note?: string): void;
  /** A one-off message. */
  log(text: string): void;
  /** Finish (prints the total time). */
  done(summary?: string): void;
}

/**
 * `ProgressMode` under the name the item counters' option types have used; the same type, not a
 * second list of modes.
 */
export type TaskProgressMode = ProgressMode;

/** Least time between two `lines`/`compact` lines before the end, so a log stays short. */
const LINE_MS = 5000;

/** Start reporting progress of `total` items labelled `label`. */
export function taskProgress(label: string, total: number, mode?: ProgressMode): TaskProgress {
  const m = resolveProgressMode(mode);
  const t0 = Date.now();
  let done = 0;
  let lastDraw = 0;
  let lastLine = t0;
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
        if (now - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = now;
        const s = status(note);
        drawProgressBar(
          `${label} [${progressBar(total > 0 ? done / total : 1)}] ${done}/${total} ${formatSeconds(s.elapsed)} ETA ${formatSeconds(s.eta)}${note ? ` ${note}` : ''}`,
        );
      } else if (line) {
        line.update(status(note).text, done >= total);
      } else if (m === 'lines' || m === 'compact') {
        if (now - lastLine < LINE_MS && done < total) return;
        lastLine = now;
        writeProgressLine(m, status(note).text);
      }
    },
    log(text) {
      writeProgressLine(m, text);
    },
    done(summary) {
      if (m === 'none') return;
      const text = `${label}: ${done}/${total} done in ${formatSeconds((Date.now() - t0) / 1000)}${summary ? ` — ${summary}` : ''}`;
      if (line) line.update(text, true);
      else writeProgressLine(m, text);
    },
  };
}
