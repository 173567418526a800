import { LiveLine } from '../notebook/liveLine';
import { resolveProgressMode } from '../progress/taskProgress';
import type { SplitMetric } from './evaluate';

/**
 * How training reports progress:
 * - `bar`: a live bar on stderr (epoch, loss, images/s, ETA), redrawn in place; for terminals.
 * - `lines`: one line per epoch on stderr; for logs and pipes.
 * - `compact`: one short line per epoch on stdout (tslab shows stdout as it comes).
 * - `live`: in a notebook, one line of the cell updated in place: the running epoch and the last
 *   finished epoch's accuracies (a saved notebook keeps the final state, not a log).
 * - `none`: silent (use `onEpoch` to observe).
 * - `auto` (default): `live` in a notebook, `bar` when stderr is a terminal, else `lines`; `none` when MEMGEO_QUIET is set.
 */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'compact' | 'live' | 'none';

/** What `onEpoch` receives after every epoch (epoch 0 = the initialization, evaluated only). */
export interface EpochReport {
  epoch: number;
  epochs: number;
  lr: number;
  /** Mean training loss over the epoch's batches (labels trained on, training mode); NaN at epoch 0. */
  trainLoss: number;
  /** Seconds of training (without evaluation) and the resulting throughput. */
  seconds: number;
  imagesPerSecond: number;
  /** The four groups' loss and accuracy; empty at an epoch that `config.evaluate` leaves unevaluated. */
  metrics: SplitMetric[];
  checkpoint: string | null;
}

export class ProgressReporter {
  readonly mode: Exclude<ProgressMode, 'auto'>;
  private lastDraw = 0;
  private rate = NaN;

  private line: LiveLine | null = null;
  private lastEpoch = '';

  constructor(
    mode: ProgressMode,
    private readonly epochs: number,
    private readonly imagesPerEpoch: number,
  ) {
    this.mode = resolveProgressMode(mode);
    if (this.mode === 'live') this.line = new LiveLine();
  }

  /** A one-off message (resuming, falling back). */
  note(text: string): void {
    if (this.mode === 'none') return;
    if (this.mode === 'compact' || this.mode === 'live') console.log(text);
    else process.stderr.write(`${this.mode === 'bar' ? '\r\x1b[K' : ''}${text}\n`);
  }

  /** A message about the run's files (a table rebuilt, a run replaced): shown in every mode, even 'none'. */
  warn(text: string): void {
    process.stderr.write(`${this.mode === 'bar' ? '\r\x1b[K' : ''}${text}\n`);
  }

  /** During an epoch: images done so far in it, running mean loss, seconds since it started. */
  batch(epoch: number, done: number, loss: number, seconds: number): void {
    if (this.mode !== 'bar' && this.mode !== 'live') return;
    const now = Date.now();
    if (now - this.lastDraw < 150 && done < this.imagesPerEpoch) return;
    this.lastDraw = now;
    const rate = seconds > 0 ? done / seconds : NaN;
    const left = this.imagesPerEpoch - done + (this.epochs - epoch) * this.imagesPerEpoch;
    const frac = done / this.imagesPerEpoch;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    if (this.line) {
      this.line.update(
        `epoch ${epoch}/${this.epochs} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% loss ${loss.toFixed(4)} ${fmtRate(rate)} img/s ETA ${fmtTime(left / (Number.isFinite(this.rate) ? this.rate : rate))}${this.lastEpoch ? ` | last: ${this.lastEpoch}` : ''}`,
      );
      return;
    }
    process.stderr.write(
      `\r\x1b[Kepoch ${epoch}/${this.epochs} [${bar}] ${(frac * 100).toFixed(0).padStart(3)}% loss ${loss.toFixed(4)} ${fmtRate(rate)} img/s ETA ${fmtTime(left / (Number.isFinite(this.rate) ? this.rate : rate))}`,
    );
  }

  epochDone(r: EpochReport): void {
    if (Number.isFinite(r.imagesPerSecond) && r.imagesPerSecond > 0) this.rate = r.imagesPerSecond;
    const acc = (s: string) => r.metrics.find((m) => m.split === s)?.accuracy ?? NaN;
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '-');
    if (this.mode === 'none') return;
    if (this.line) {
      this.lastEpoch = `epoch ${r.epoch}: loss ${f(r.trainLoss)}, accuracy unpermuted ${f(acc('train_unpermuted'))} permuted ${f(acc('train_permuted'))} restored ${f(acc('train_restored'))} test ${f(acc('test'))}`;
      this.line.update(`${r.epoch}/${r.epochs} epochs done | ${this.lastEpoch}`, r.epoch === r.epochs);
      return;
    }
    if (this.mode === 'compact') {
      console.log(
        `ep ${r.epoch}/${r.epochs} loss ${f(r.trainLoss)} acc unperm ${f(acc('train_unpermuted'))} perm ${f(acc('train_permuted'))} restored ${f(acc('train_restored'))} test ${f(acc('test'))}${r.epoch > 0 ? ` (${r.seconds.toFixed(1)} s)` : ''}`,
      );
      return;
    }
    const line =
      `epoch ${r.epoch}/${r.epochs}  lr ${r.lr.toPrecision(3)}  loss ${f(r.trainLoss)}  ` +
      `acc: unpermuted ${f(acc('train_unpermuted'))} permuted ${f(acc('train_permuted'))} restored ${f(acc('train_restored'))} test ${f(acc('test'))}` +
      (r.epoch > 0 ? `  ${r.seconds.toFixed(1)} s, ${fmtRate(r.imagesPerSecond)} img/s` : '');
    process.stderr.write(`${this.mode === 'bar' ? '\r\x1b[K' : ''}${line}\n`);
  }
}

function fmtRate(r: number): string {
  return Number.isFinite(r) ? r.toFixed(0) : '?';
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
export function fmtTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const t = Math.round(s);
  if (t >= 3600) return `${Math.floor(t / 3600)}h${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}m`;
  if (t >= 60) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${t}s`;
}
