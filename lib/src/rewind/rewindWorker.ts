// Worker side of rewindSweep: evaluates the rewound models of one epoch. Loaded by parallelMap in a
// worker thread (one wasm instance per thread), so each worker keeps its own caches.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { copyLayers, type Model } from '../models';
import { EVAL_BATCH, evaluateSplits, forwardInBatches, openRun, splitMetrics, type Run, type RunData } from '../train';
import { rewindAccuracies, type RewindAccuracies } from './rewind';

/** The rewound models of one checkpoint epoch, all evaluated by one worker. */
export interface RewindTask {
  runDir: string;
  /** The model the other layers come from (the final one). */
  baseEpoch: number;
  /** The checkpoint the rewound layers come from. */
  epoch: number;
  /** Distinct sets of layers to rewind to `epoch`, each evaluated once. */
  sets: string[][];
  /** Only for runs trained on in-memory data (the worker cannot load those by name). */
  data?: RunData;
  batchSize?: number;
}

export interface RewindTaskOutput {
  epoch: number;
  /** In the order of `sets`. */
  accuracies: RewindAccuracies[];
}

/** Keep the final model, a scratch model and the last few checkpoint models (each is loaded once). */
const MAX_SOURCES = 2;

interface WorkerState {
  key: string;
  run: Run;
  data: RunData;
  base: Model;
  work: Model;
  sources: Map<number, Model>;
  /** The final model's outputs of stage b − 1 for the training and test images, by stage index b. */
  prefixes: Map<number, PrefixOutputs>;
  prefixBytes: number;
}

interface PrefixOutputs {
  /** Shape of one example's output, without the batch axis. */
  shape: number[];
  train: Float32Array;
  test: Float32Array;
}

/**
 * Bytes of the final model's stage outputs a worker keeps. A rewound model whose first rewound stage
 * is b runs only stages b… on the kept output of stage b − 1 (the stages before b are the final
 * model's): for the last-L and single-layer rewinds that skips most of the network.
 */
const PREFIX_BUDGET_BYTES = 256 * 2 ** 20;

let state: WorkerState | null = null;

async function stateFor(task: RewindTask): Promise<WorkerState> {
  const key = `${task.runDir}|${task.baseEpoch}`;
  if (state?.key === key) return state;
  if (state) disposeState(state);
  state = null;
  await initBackend();
  const run = openRun(task.runDir, task.data ? { data: task.data } : {});
  const data = await run.loadData();
  const base = run.loadModelAt(task.baseEpoch);
  let work: Model;
  try {
    work = run.loadModelAt(task.baseEpoch);
  } catch (err) {
    base.dispose();
    throw err;
  }
  state = { key, run, data, base, work, sources: new Map(), prefixes: new Map(), prefixBytes: 0 };
  return state;
}

/**
 * The kept output of the final model's stage b′ − 1 for the largest b′ ≤ b that fits the budget,
 * computing and keeping the one for b itself when it fits (null: none, start from the images).
 */
async function prefixFor(s: WorkerState, b: number, batchSize: number): Promise<{ stage: number; outputs: PrefixOutputs } | null> {
  if (b <= 0) return null;
  if (!s.prefixes.has(b)) {
    // Size of one example's output of stage b − 1, from a one-image pass.
    const [h, w, c] = s.base.inputShape;
    const one = tf.tensor4d(s.data.train.images.subarray(0, h * w * c), [1, h, w, c]);
    const probe = s.base.forwardStages(one, 0, b);
    const bytes = 4 * probe.size * (s.data.train.count + s.data.test.count);
    one.dispose();
    probe.dispose();
    if (s.prefixBytes + bytes <= PREFIX_BUDGET_BYTES) {
      const train = await forwardInBatches(s.base, s.data.train.images, s.base.inputShape, 0, b, batchSize);
      const test = await forwardInBatches(s.base, s.data.test.images, s.base.inputShape, 0, b, batchSize);
      s.prefixes.set(b, { shape: train.shape, train: train.data, test: test.data });
      s.prefixBytes += bytes;
    }
  }
  let best = -1;
  for (const k of s.prefixes.keys()) if (k <= b && k > best) best = k;
  return best > 0 ? { stage: best, outputs: s.prefixes.get(best)! } : null;
}

function disposeState(s: WorkerState): void {
  s.base.dispose();
  s.work.dispose();
  for (const m of s.sources.values()) m.dispose();
  s.sources.clear();
}

function sourceModel(s: WorkerState, epoch: number): Model {
  const hit = s.sources.get(epoch);
  if (hit) {
    // most recently used last
    s.sources.delete(epoch);
    s.sources.set(epoch, hit);
    return hit;
  }
  const model = s.run.loadModelAt(epoch);
  s.sources.set(epoch, model);
  while (s.sources.size > MAX_SOURCES) {
    const [oldest, m] = s.sources.entries().next().value as [number, Model];
    m.dispose();
    s.sources.delete(oldest);
  }
  return model;
}

/**
 * parallelMap task: for each layer set, the final model with those layers taken from the checkpoint
 * of `task.epoch` (via `copyLayers`, so batch-norm statistics move with their layer), evaluated on
 * the test set and the three training groups.
 */
export async function evaluateRewindTask(task: RewindTask): Promise<RewindTaskOutput> {
  const s = await stateFor(task);
  const accuracies: RewindAccuracies[] = [];
  const allLayers = s.base.layerNames;
  for (const set of task.sets) {
    let model = s.base;
    if (set.length > 0 && task.epoch !== task.baseEpoch) {
      const rewound = new Set(set);
      const source = sourceModel(s, task.epoch);
      // tidy: Model.setLayerValues leaves the clones it assigns undisposed (one model's worth per call).
      tf.tidy(() => {
        copyLayers(
          s.base,
          s.work,
          allLayers.filter((l) => !rewound.has(l)),
        );
        copyLayers(source, s.work, set);
      });
      model = s.work;
    }
    const first =
      set.length > 0 && task.epoch !== task.baseEpoch ? Math.min(...set.map((l) => s.base.stages.findIndex((st) => st.name === l))) : -1;
    const prefix = first > 0 ? await prefixFor(s, first, task.batchSize ?? EVAL_BATCH) : null;
    if (prefix) {
      const { stage, outputs } = prefix;
      const n = model.stages.length;
      const trainLogits = (await forwardInBatches(model, outputs.train, outputs.shape, stage, n, task.batchSize)).data;
      const testLogits = (await forwardInBatches(model, outputs.test, outputs.shape, stage, n, task.batchSize)).data;
      accuracies.push(rewindAccuracies(splitMetrics(trainLogits, testLogits, s.data, model.numClasses)));
    } else accuracies.push(rewindAccuracies(await evaluateSplits(model, s.data, task.batchSize)));
  }
  return { epoch: task.epoch, accuracies };
}
