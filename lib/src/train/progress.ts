import { LiveLine } from '../notebook/liveLine';
import { fmtTime, progressBar } from '../progress/format';
import {
  drawProgressBar,
  REDRAW_MS,
  resolveProgressMode,
  writeProgressLine,
  writeProgressWarning,
  type ProgressMode,
  type ResolvedProgressMode,
} from '../progress/progressMode';
import type { SplitMetric } from './evaluate';

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

/**
 * Training's progress in a `ProgressMode`: `bar` redraws epoch, loss, images/s and ETA during an
 * epoch; `lines` writes one line per epoch on stderr, `compact` a short one on stdout; `live` keeps
 * the running epoch and the last finished epoch's accuracies on one notebook line; `none` is silent
 * (use `train`'s `onEpoch` to observe).
 */
export class ProgressReporter {
  readonly mode: ResolvedProgressMode;
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
    writeProgressLine(this.mode, text);
  }

  /** A message about the run's files (a table rebuilt, a run replaced): shown in every mode, even 'none'. */
  warn(text: string): void {
    writeProgressWarning(this.mode, text);
  }

  /** During an epoch: images done so far in it, running mean loss, seconds since it started. */
  batch(epoch: number, done: number, loss: number, seconds: number): void {
    if (this.mode !== 'bar' && this.mode !== 'live') return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS && done < this.imagesPerEpoch) return;
    this.lastDraw = now;
    const rate = seconds > 0 ? done / seconds : NaN;
    const left = this.imagesPerEpoch - done + (this.epochs - epoch) * this.imagesPerEpoch;
    const frac = done / this.imagesPerEpoch;
    const text = `epoch ${epoch}/${this.epochs} [${progressBar(frac)}] ${(frac * 100).toFixed(0).padStart(3)}% loss ${loss.toFixed(4)} ${fmtRate(rate)} img/s ETA ${fmtTime(left / (Number.isFinite(this.rate) ? this.rate : rate))}`;
    if (this.line) this.line.update(`${text}${this.lastEpoch ? ` | last: ${this.lastEpoch}` : ''}`);
    else drawProgressBar(text);
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
      writeProgressLine(
        this.mode,
        `ep ${r.epoch}/${r.epochs} loss ${f(r.trainLoss)} acc unperm ${f(acc('train_unpermuted'))} perm ${f(acc('train_permuted'))} restored ${f(acc('train_restored'))} test ${f(acc('test'))}${r.epoch > 0 ? ` (${r.seconds.toFixed(1)} s)` : ''}`,
      );
      return;
    }
    writeProgressLine(
      this.mode,
      `epoch ${r.epoch}/${r.epochs}  lr ${r.lr.toPrecision(3)}  loss ${f(r.trainLoss)}  ` +
        `acc: unpermuted ${f(acc('train_unpermuted'))} permuted ${f(acc('train_permuted'))} restored ${f(acc('train_restored'))} test ${f(acc('test'))}` +
        (r.epoch > 0 ? `  ${r.seconds.toFixed(1)} s, ${fmtRate(r.imagesPerSecond)} img/s` : ''),
    );
  }
}

function fmtRate(r: number): string {
  return Number.isFinite(r) ? r.toFixed(0) : '?';
}
