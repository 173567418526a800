import { randomBytes } from 'crypto';
import { displayBundle } from './display';

/**
 * One output line of a notebook cell that is rewritten in place (Jupyter's update_display_data, the
 * mechanism behind tslab's `newDisplay`), for progress of long steps: the cell shows the current
 * state, not a scrolling log, and a saved notebook keeps the last state only. Updates are throttled
 * to one per `minIntervalMs` except the final one.
 */
export class LiveLine {
  private readonly id = `memgeo-${randomBytes(6).toString('hex')}`;
  private shown = false;
  private last = 0;
  private pending: string | null = null;

  constructor(private readonly minIntervalMs = 500) {}

  /** Show `text` (throttled unless `force`). */
  update(text: string, force = false): void {
    const now = Date.now();
    if (!force && this.shown && now - this.last < this.minIntervalMs) {
      this.pending = text;
      return;
    }
    this.pending = null;
    this.last = now;
    displayBundle({ 'text/plain': text }, { displayId: this.id, update: this.shown });
    this.shown = true;
  }

  /** Show the final text (never throttled). */
  finish(text?: string): void {
    const t = text ?? this.pending;
    if (t !== null && t !== undefined) this.update(t, true);
  }
}
