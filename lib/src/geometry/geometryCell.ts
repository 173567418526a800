import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend/initBackend';
import { readNpy } from '../io/npy';
import { manifoldAnalysisSeeds } from '../manifold/manifoldAnalysisSeeds';
import type { ManifoldPoints } from '../manifold/manifoldPoints';
import type { AnalysisSettings } from '../manifold/analysisSettings';
import { simulatedCapacity } from '../manifold/simulatedCapacity';
import { centeredPoints, gramEigenvalues } from '../manifold/centeredPoints';
import { extractActivations, RandomProjections, type ActivationMatrix } from '../models/extractActivations';
import type { Model } from '../models/Model';
import type { ManifoldKind } from '../noise/types';
import { openRun, type Run } from '../train/runDir';
import { participationRatio } from './participationRatio';

/** The input of `geometryCell` (plain data: it is sent to a worker thread). */
export interface GeometryCellInput {
  runDir: string;
  epoch: number;
  layer: string;
  manifold: ManifoldKind;
  /** .npy (P·M, H, W, C) float32: the type's examples, manifold after manifold (written by analyzeRun). */
  imagesFile: string;
  /** Every layer analysed at this epoch: they are extracted in one forward pass and kept for the next cells. */
  layers: string[];
  P: number;
  M: number;
  nT: number;
  kappa: number;
  mode: 'stable' | 'faithful';
  projectionDim: number;
  /** Base seed: the projection, and the first analysis seed. */
  seed: number;
  nSeeds: number;
  /** Images per forward pass. */
  chunkSize: number;
}

export interface GeometryCellOutput {
  capacity: number;
  radius: number;
  dimension: number;
  centerCorrelation: number;
  K: number;
  participationRatio: number;
  capacityStd: number;
  radiusStd: number;
  dimensionStd: number;
  nDegenerate: number;
  nFeatures: number;
  inputFeatures: number;
  /** Wall seconds of this cell in the worker (extraction share included when it ran here). */
  seconds: number;
  /** Why the analysis failed (values NaN), or ''. */
  note: string;
}

export interface SimcapCellInput extends GeometryCellInput {
  nRep: number;
  simcapSeed: number;
}

export interface SimcapCellOutput {
  /** MFT capacity of the same manifolds (mean and std over the analysis seeds). */
  capacity: number;
  capacityStd: number;
  simulatedCapacity: number;
  Nc: number;
  nFeatures: number;
  /** Numerical rank of the centred points: the simulation cannot separate beyond it. */
  dataRank: number;
  trials: number;
  seconds: number;
  note: string;
}

// Per-worker state: the run, the model of the current epoch, the activations of the current epoch
// (per manifold type), the image files, and the projection matrices (the same for a layer at every
// epoch: they are drawn from Rng.derive(seed, 'projection', layer), so every worker draws the same).
const runs = new Map<string, Run>();
const images = new Map<string, Float32Array>();
const projections = new RandomProjections();
let current: { runDir: string; epoch: number; model: Model; key: string; acts: Map<string, ActivationMatrix> } | null = null;

async function activationsFor(input: GeometryCellInput): Promise<ActivationMatrix> {
  await initBackend();
  let run = runs.get(input.runDir);
  if (!run) {
    run = openRun(input.runDir);
    runs.set(input.runDir, run);
  }
  if (!current || current.runDir !== input.runDir || current.epoch !== input.epoch) {
    current?.model.dispose();
    current = null;
    current = { runDir: input.runDir, epoch: input.epoch, model: run.loadModelAt(input.epoch), key: '', acts: new Map() };
  }
  // Only the current (epoch, manifold type) is kept; analyzeRun orders cells epoch, type, layer.
  const key = `${input.manifold}|${input.imagesFile}|${input.projectionDim}|${input.seed}`;
  if (current.key !== key) {
    current.key = key;
    current.acts = new Map();
  }
  let a = current.acts.get(input.layer);
  if (!a) {
    let x = images.get(input.imagesFile);
    if (!x) {
      const arr = readNpy(input.imagesFile);
      x = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
      images.set(input.imagesFile, x);
    }
    // All layers in one pass when they fit the budget (small nets: one forward pass per epoch and
    // type), else only the layer asked for (large nets: bounded memory, one pass per cell).
    const [h, w, c] = current.model.inputShape;
    const rows = x.length / (h * w * c);
    const widths = layerWidths(current.model, input.layers);
    const total = input.layers.reduce((t, l) => t + rows * Math.min(widths.get(l)!, input.projectionDim), 0);
    const layers = total <= ACTIVATION_BUDGET_FLOATS && input.layers.includes(input.layer) ? input.layers : [input.layer];
    const acts = await extractActivations(current.model, x, layers, {
      chunkSize: input.chunkSize,
      projectionDim: input.projectionDim,
      seed: input.seed,
      projections,
    });
    for (const [l, m] of acts) current.acts.set(l, m);
    a = current.acts.get(input.layer)!;
  }
  return a;
}

/** Activations a worker keeps for one epoch and manifold type (floats): 512 MB. */
const ACTIVATION_BUDGET_FLOATS = 2 ** 27;

/** Features of each analysis point (one image through the model). */
export function layerWidths(model: Model, layers: string[]): Map<string, number> {
  const [h, w, c] = model.inputShape;
  const x = tf.zeros([1, h, w, c]) as tf.Tensor4D;
  const out = model.forwardPoints(x, layers);
  x.dispose();
  const widths = new Map<string, number>();
  for (const [l, t] of out) {
    widths.set(l, t.shape[1]);
    t.dispose();
  }
  return widths;
}

/** The P manifolds (M points each, features as analysed) of an activation matrix whose rows are manifold-major. */
export function manifoldsFromActivations(a: ActivationMatrix, P: number, M: number): ManifoldPoints[] {
  if (a.rows !== P * M) throw new Error(`expected ${P}·${M} = ${P * M} activation rows, got ${a.rows}`);
  const N = a.cols;
  return Array.from({ length: P }, (_, i) => ({
    numPoints: M,
    ambientDim: N,
    data: Float64Array.from(a.data.subarray(i * M * N, (i + 1) * M * N)),
  }));
}

/**
 * Worker task: MFTMA over the analysis seeds (mean, std) and the participation ratio of one cell of the
 * geometry table, the manifolds of one type at one analysis point of one checkpoint. It runs in a worker
 * thread (parallelMap), which loads the checkpoint itself, so cells of different epochs and layers run on
 * both cores.
 */
export async function geometryCell(input: GeometryCellInput): Promise<GeometryCellOutput> {
  const t0 = performance.now();
  const a = await activationsFor(input);
  return cellGeometry(a, input, t0);
}

/** The analysis settings a cell needs. */
export type CellSettings = Pick<GeometryCellInput, 'P' | 'M' | 'nT' | 'kappa' | 'mode' | 'projectionDim' | 'seed' | 'nSeeds'>;

/** A cell's analysis settings from the run's (`seed`: the cell's base seed; `seeds`: how many follow it). */
export function cellSettings(settings: AnalysisSettings, seed: number): CellSettings {
  return {
    P: settings.P,
    M: settings.M,
    nT: settings.nT,
    kappa: settings.kappa,
    mode: settings.mode,
    projectionDim: settings.projectionDim,
    seed,
    nSeeds: settings.seeds,
  };
}

/**
 * The geometry of one cell from its activations (rows manifold-major, P·M of them): MFTMA over the
 * analysis seeds (mean, std) and the all-data participation ratio. Shared by the worker cells of
 * `analyzeRun` and by `analyzeLayersModel`.
 */
export async function cellGeometry(a: ActivationMatrix, input: CellSettings, t0 = performance.now()): Promise<GeometryCellOutput> {
  const manifolds = manifoldsFromActivations(a, input.P, input.M);
  const nan = {
    capacity: NaN,
    radius: NaN,
    dimension: NaN,
    centerCorrelation: NaN,
    K: NaN,
    participationRatio: NaN,
    capacityStd: NaN,
    radiusStd: NaN,
    dimensionStd: NaN,
    nDegenerate: NaN,
  };
  try {
    const s = await manifoldAnalysisSeeds(manifolds, {
      seeds: input.nSeeds,
      firstSeed: input.seed,
      nT: input.nT,
      kappa: input.kappa,
      mode: input.mode,
      projectionDim: input.projectionDim,
      concurrency: 1,
    });
    const pr = participationRatio(manifolds);
    return {
      capacity: s.capacity.mean,
      radius: s.radius.mean,
      dimension: s.dimension.mean,
      centerCorrelation: s.centerCorrelation.mean,
      K: s.K.mean,
      participationRatio: pr,
      capacityStd: s.capacity.std,
      radiusStd: s.radius.std,
      dimensionStd: s.dimension.std,
      nDegenerate: Math.max(...s.runs.map((r) => r.diagnostics.perManifold.degenerate.filter(Boolean).length)),
      nFeatures: a.cols,
      inputFeatures: a.inputFeatures,
      seconds: (performance.now() - t0) / 1000,
      note: '',
    };
  } catch (err) {
    // A cell the analysis cannot handle (e.g. a layer whose units are all dead for a manifold) is
    // recorded with its reason rather than stopping every other cell.
    return {
      ...nan,
      nFeatures: a.cols,
      inputFeatures: a.inputFeatures,
      seconds: (performance.now() - t0) / 1000,
      note: (err as Error).message.split('\n')[0],
    };
  }
}

/**
 * Worker task: the MFT capacity and the simulated capacity of the same manifolds (paper Fig. 1B;
 * docs/mftma.md §6). The bisection runs on N′ ∈ [2, min(N, T)] (T = P·M points): T points in general
 * position are separable in T − 1 dimensions, so p(N′) = 1 there and larger N′ only cost time. When
 * p(N′) = 0.5 is not bracketed (e.g. the points span fewer dimensions than P/α), α_sim is NaN and
 * `note` gives p at the top of the range and the rank of the points.
 */
export async function simcapCell(input: SimcapCellInput): Promise<SimcapCellOutput> {
  const t0 = performance.now();
  const a = await activationsFor(input);
  const manifolds = manifoldsFromActivations(a, input.P, input.M);
  const T = input.P * input.M;
  const nMax = Math.min(a.cols, T);
  const base = { nFeatures: a.cols, dataRank: numericalRank(manifolds), trials: 0 };
  let capacity = NaN;
  let capacityStd = NaN;
  try {
    const s = await manifoldAnalysisSeeds(manifolds, {
      seeds: input.nSeeds,
      firstSeed: input.seed,
      nT: input.nT,
      kappa: input.kappa,
      mode: input.mode,
      projectionDim: input.projectionDim,
      concurrency: 1,
    });
    capacity = s.capacity.mean;
    capacityStd = s.capacity.std;
  } catch (err) {
    return {
      ...base,
      capacity,
      capacityStd,
      simulatedCapacity: NaN,
      Nc: NaN,
      seconds: (performance.now() - t0) / 1000,
      note: `MFT failed: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  const r = simulatedCapacity(manifolds, { nRep: input.nRep, seed: input.simcapSeed, nMax });
  const note = Number.isFinite(r.capacity)
    ? ''
    : `p(N') = 0.5 not bracketed in [2, ${nMax}]: p(${nMax}) = ${r.pVec[r.pVec.length - 1]} (data rank ${base.dataRank})`;
  return {
    ...base,
    capacity,
    capacityStd,
    simulatedCapacity: r.capacity,
    Nc: r.Nc,
    trials: r.trials,
    seconds: (performance.now() - t0) / 1000,
    note,
  };
}

/** Rank of the globally centred points (eigenvalues of the smaller Gram matrix above 1e-10 of the largest). */
export function numericalRank(manifolds: ManifoldPoints[]): number {
  const { x, T, N } = centeredPoints(manifolds);
  const lam = gramEigenvalues(x, T, N);
  const tol = 1e-10 * Math.max(lam[0], 0);
  let rank = 0;
  for (const v of lam) if (v > tol) rank++;
  return rank;
}
