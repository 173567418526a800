/**
 * Shared memory of a `Collective`: made once by the coordinating thread (`Collective.allocate`) and
 * passed to every participant (worker threads get it in `workerData`; SharedArrayBuffers are shared,
 * not copied).
 */
export interface CollectiveBuffers {
  /** Int32: [0] arrivals at the current barrier, [1] barrier generation, [2] abort flag. */
  control: SharedArrayBuffer;
  /** Float64: two alternating regions of `size` slots × `maxLength` values for `allReduceSum`. */
  reduce: SharedArrayBuffer;
  size: number;
  maxLength: number;
}

const ARRIVED = 0;
const GENERATION = 1;
const ABORTED = 2;

/** Thrown in every participant when one of them gave up (`abort`) or a barrier timed out. */
export class CollectiveAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectiveAborted';
  }
}

/**
 * Lock-step collectives for `size` threads over shared memory: a barrier and a sum-all-reduce whose
 * result is the same bits in every participant and on every rerun, because every participant adds the
 * slots in rank order 0, 1, …, size−1 in float64 (never in arrival order).
 *
 * Every participant must make the same sequence of calls with the same lengths (they run the same
 * program on their own shard). Waiting is synchronous (`Atomics.wait`, allowed in Node's main thread
 * too), so it can be used inside a backward pass. A participant that fails calls `abort()`; the
 * others then throw `CollectiveAborted` instead of waiting for ever.
 */
export class Collective {
  private readonly control: Int32Array;
  private readonly slots: Float64Array;
  private calls = 0;

  constructor(
    readonly buffers: CollectiveBuffers,
    readonly rank: number,
    private readonly timeoutMs = 600_000,
  ) {
    if (!(rank >= 0 && rank < buffers.size)) throw new Error(`Collective: rank ${rank} outside 0..${buffers.size - 1}`);
    this.control = new Int32Array(buffers.control);
    this.slots = new Float64Array(buffers.reduce);
  }

  get size(): number {
    return this.buffers.size;
  }

  static allocate(size: number, maxLength: number): CollectiveBuffers {
    return {
      control: new SharedArrayBuffer(4 * 4),
      reduce: new SharedArrayBuffer(8 * 2 * size * Math.max(1, maxLength)),
      size,
      maxLength: Math.max(1, maxLength),
    };
  }

  /** Wait until all `size` participants have arrived. */
  barrier(): void {
    const c = this.control;
    if (Atomics.load(c, ABORTED) !== 0) throw new CollectiveAborted('a participant stopped');
    const gen = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.size - 1) {
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    // Spin briefly (a barrier inside a training step is usually passed within microseconds), then sleep.
    for (let i = 0; i < 4000; i++) if (Atomics.load(c, GENERATION) !== gen) return;
    const deadline = Date.now() + this.timeoutMs;
    while (Atomics.load(c, GENERATION) === gen) {
      Atomics.wait(c, GENERATION, gen, 50);
      if (Atomics.load(c, ABORTED) !== 0) throw new CollectiveAborted('a participant stopped');
      if (Date.now() > deadline) {
        this.abort();
        throw new CollectiveAborted(`no progress for ${Math.round(this.timeoutMs / 1000)} s (a participant died?)`);
      }
    }
  }

  /**
   * Element-wise sum over the participants of `values` (same length everywhere, ≤ maxLength), added
   * in rank order. Two regions alternate, so a participant that is one call ahead never overwrites a
   * slot another one is still reading.
   */
  allReduceSum(values: ArrayLike<number>): Float64Array {
    const L = values.length;
    const { size, maxLength } = this.buffers;
    if (L > maxLength) throw new Error(`Collective.allReduceSum: ${L} values, at most ${maxLength}`);
    const region = (this.calls++ & 1) * size * maxLength;
    const mine = region + this.rank * maxLength;
    for (let i = 0; i < L; i++) this.slots[mine + i] = values[i];
    this.barrier();
    const out = new Float64Array(L);
    for (let r = 0; r < size; r++) {
      const o = region + r * maxLength;
      for (let i = 0; i < L; i++) out[i] += this.slots[o + i];
    }
    return out;
  }

  /** Make every waiting and future call throw `CollectiveAborted`. */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1);
    Atomics.notify(this.control, GENERATION);
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORTED) !== 0;
  }
}
