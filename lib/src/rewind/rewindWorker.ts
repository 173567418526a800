// Worker side of rewindSweep: evaluates the rewound models of one epoch. Loaded by parallelMap in a
// worker thread (one wasm instance per thread), so each worker keeps its own caches.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { copyLayers, type Model } from '../models';
import { evaluateSplits, openRun, type Run, type RunData } from '../train';
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
}

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
  state = { key, run, data, base, work, sources: new Map() };
  return state;
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
    accuracies.push(rewindAccuracies(await evaluateSplits(model, s.data, task.batchSize)));
  }
  return { epoch: task.epoch, accuracies };
}
