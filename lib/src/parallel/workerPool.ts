import * as path from 'path';
import { Worker } from 'worker_threads';
import { defaultConcurrency } from './workerCount';

/**
 * Where a task function lives: a compiled module (absolute path or package specifier, resolved in
 * the worker) and the name of an exported function `(input) => output | Promise<output>`.
 */
export interface TaskFunction {
  module: string;
  exportName: string;
}

export interface ParallelMapOptions<O> {
  /** Number of worker threads; default: the number of CPUs (2 here), never more than the item count. */
  concurrency?: number;
  /** Called after every finished item with (done, total, index, output). */
  onResult?: (done: number, total: number, index: number, output: O) => void;
  /** Environment for the workers (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export { defaultConcurrency };

/**
 * Run `fn` over `items` in worker threads and return the outputs in input order.
 *
 * Why threads: tfjs-wasm and the manifold analysis are single-threaded in Node, so independent work
 * (sweep points, seeds, manifolds, (epoch, layer) cells) only uses both cores when it runs in separate
 * threads, each with its own wasm instance. Inputs and outputs must be structured-cloneable (plain
 * objects, typed arrays). The first failing item rejects the whole map and stops the workers.
 *
 * With concurrency 1 the items still run in one worker thread, so the same code path is exercised.
 */
export async function parallelMap<I, O>(items: I[], fn: TaskFunction, options: ParallelMapOptions<O> = {}): Promise<O[]> {
  const total = items.length;
  if (total === 0) return [];
  const pool = new WorkerPool<I, O>(
    fn,
    Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), total)),
    options.env ?? process.env,
  );
  let done = 0;
  try {
    return await Promise.all(
      items.map((item, index) =>
        pool.run(item, index).then((output) => {
          done++;
          options.onResult?.(done, total, index, output);
          return output;
        }),
      ),
    );
  } finally {
    await pool.close();
  }
}

interface Job<I, O> {
  input: I;
  index?: number;
  resolve: (o: O) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed set of worker threads that take items one at a time as the caller produces them:
 * `run(input)` resolves with that item's output. Where parallelMap needs every input up front, this
 * lets the calling thread keep producing (e.g. reducing large inputs that would be costly to copy to
 * a worker) while the workers consume. The caller must let the event loop run between items
 * (`await` something) so that finished workers get their next item. Always `close()` it.
 */
export class WorkerPool<I, O> {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Job<I, O>[] = [];
  private readonly pending = new Map<Worker, Job<I, O>[]>();
  private failure: Error | null = null;

  /**
   * @param jobsPerWorker items posted to a worker before it has answered (default 1). With 2, a
   *   worker finds its next item waiting when it finishes one, so it does not idle while this thread
   *   is busy with synchronous work (it can only hand out items between its own tasks); meant for
   *   many short items, since an item once posted cannot move to another worker.
   * @param keepAlive false: a worker with nothing to do does not keep the process alive (it is
   *   unref'd until it gets an item), for a pool kept across calls and never closed.
   */
  constructor(
    fn: TaskFunction,
    concurrency = defaultConcurrency(),
    env: NodeJS.ProcessEnv = process.env,
    jobsPerWorker = 1,
    private readonly keepAlive = true,
  ) {
    const script = path.join(__dirname, 'workerMain.js');
    for (let k = 0; k < Math.max(1, concurrency); k++) {
      const w = new Worker(script, { workerData: { module: fn.module, exportName: fn.exportName }, env });
      this.all.push(w);
      this.pending.set(w, []);
      w.on('message', (msg: { output?: O; error?: { message: string; stack?: string; name?: string } }) => {
        const jobs = this.pending.get(w)!;
        const job = jobs.shift();
        if (!keepAlive && jobs.length === 0) w.unref();
        if (msg.error) {
          const e = new Error(`${fn.exportName} failed${job?.index === undefined ? '' : ` on item ${job.index}`}: ${msg.error.message}`);
          e.name = msg.error.name ?? 'Error';
          e.stack = `${e.name}: ${e.message}\n--- worker stack ---\n${msg.error.stack ?? ''}`;
          job?.reject(e);
        } else job?.resolve(msg.output as O);
        this.idle.push(w);
        this.dispatch();
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`worker exited with code ${code} before finishing`));
      });
      // After the listeners: adding a 'message' listener refs the worker again.
      if (!keepAlive) w.unref();
    }
    // One entry per free slot, the workers interleaved so that items spread over them first.
    for (let j = 0; j < Math.max(1, jobsPerWorker); j++) this.idle.push(...this.all);
    this.idle.reverse();
  }

  /** Queue one item; `index`, when given, names the item in a failure's message. `first` puts it at
   * the head of the queue (an item that others wait for). */
  run(input: I, index?: number, first = false): Promise<O> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<O>((resolve, reject) => {
      if (first) this.queue.unshift({ input, index, resolve, reject });
      else this.queue.push({ input, index, resolve, reject });
      this.dispatch();
    });
  }

  /** Whether a worker died (every later `run` rejects): such a pool is to be closed and replaced. */
  get failed(): boolean {
    return this.failure !== null;
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.pending.get(w)!.push(job);
      if (!this.keepAlive) w.ref();
      w.postMessage({ index: job.index ?? 0, input: job.input });
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const jobs of this.pending.values()) for (const job of jobs.splice(0)) job.reject(err);
    for (const job of this.queue.splice(0)) job.reject(err);
  }
}
