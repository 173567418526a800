import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';

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

/** Default parallelism: the CPU count, overridable with MEMGEO_WORKERS. */
export function defaultConcurrency(): number {
  const fromEnv = Number(process.env.MEMGEO_WORKERS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

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
  const results = new Array<O>(total);
  if (total === 0) return results;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? defaultConcurrency(), total));
  const script = path.join(__dirname, 'workerMain.js');
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const feed = (w: Worker) => {
        if (failed) return;
        if (next >= total) {
          if (done === total) resolve();
          return;
        }
        const index = next++;
        w.postMessage({ index, input: items[index] });
      };
      for (let k = 0; k < concurrency; k++) {
        const w = new Worker(script, { workerData: { module: fn.module, exportName: fn.exportName }, env: options.env ?? process.env });
        workers.push(w);
        w.on('message', (msg: { index: number; output?: O; error?: { message: string; stack?: string; name?: string } }) => {
          if (msg.error) {
            failed = true;
            const e = new Error(`${fn.exportName} failed on item ${msg.index}: ${msg.error.message}`);
            e.name = msg.error.name ?? 'Error';
            e.stack = `${e.name}: ${e.message}\n--- worker stack ---\n${msg.error.stack ?? ''}`;
            reject(e);
            return;
          }
          results[msg.index] = msg.output as O;
          done++;
          options.onResult?.(done, total, msg.index, msg.output as O);
          if (done === total) resolve();
          else feed(w);
        });
        w.on('error', (err) => {
          failed = true;
          reject(err);
        });
        w.on('exit', (code) => {
          if (code !== 0 && done < total && !failed) {
            failed = true;
            reject(new Error(`worker exited with code ${code} before finishing`));
          }
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
