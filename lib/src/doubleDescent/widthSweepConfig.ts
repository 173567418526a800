import { checkFields, InputError } from '../errors';
import { MAX_N_T, N_T_LIMIT_REASON } from '../manifold/manifoldAnalysis';
import { MAX_SEED } from '../random/rng';
import type { AnalysisSettings } from '../experiments/presets';
import { resolveRunConfig, type RunConfig, type RunConfigInput } from '../train';

/** Label-noise kinds of the sweep: the paper's permuted labels, and Nakkiran et al.'s symmetric noise. */
export type SweepNoiseKind = 'permute' | 'symmetric';
export const SWEEP_NOISE_KINDS: SweepNoiseKind[] = ['permute', 'symmetric'];

/**
 * A model-wise double-descent sweep (paper Fig. 5, docs/paper.md §5; Nakkiran et al. 2020): one training
 * run per (noise kind, width, seed), all from the same base config, then errors and the manifold
 * geometry of the last layers of every trained model.
 */
export interface WidthSweepConfig {
  /** Training config shared by every point; `model.width` is replaced per point, `noise.kind` per kind
   * (`noise.epsilon` is kept: ε for permuted labels, p for symmetric noise). */
  base: RunConfigInput;
  /** Model widths, in the family's own unit (cnn/vgg: multiplier; mlp: units; resnet18: k). */
  widths: number[];
  noiseKinds: SweepNoiseKind[];
  /** Training seeds (initialization and data order; the data subset and noise stay those of
   * `base.dataSeed`). Default: `[base.seed ?? 0]`. */
  seeds?: number[];
  /** Analysis points whose geometry is measured (default: the last hidden layer and the logits). */
  layers?: string[];
  /** Manifold analysis settings; null skips the geometry (errors only). */
  analysis: AnalysisSettings | null;
  /** Training error at or below which a model counts as fitting the noisy training set. Default 0.01. */
  interpolationTolerance?: number;
}

/** A sweep config with defaults filled in and every field checked. */
export interface ResolvedWidthSweepConfig {
  base: RunConfig;
  widths: number[];
  noiseKinds: SweepNoiseKind[];
  seeds: number[];
  layers: string[] | null;
  analysis: AnalysisSettings | null;
  interpolationTolerance: number;
}

const ANALYSIS_FIELDS: (keyof AnalysisSettings)[] = ['P', 'M', 'nT', 'seeds', 'projectionDim', 'mode', 'kappa'];

/**
 * Validate a sweep config (from a preset or a JSON file). Errors name the field. Without an explicit
 * `base.checkpoints`, a run keeps about ten checkpoints so that an interrupted point resumes without
 * writing one per epoch (long sweeps train for hundreds of epochs). Without an explicit `base.evaluate`,
 * a point is evaluated only at those checkpoints: the sweep reads the final errors alone, and per-epoch
 * evaluation of its training and test images was about half of the step's time (environment.md,
 * "Double descent").
 */
export function resolveWidthSweepConfig(input: unknown): ResolvedWidthSweepConfig {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new InputError(`sweep config: expected an object, got ${JSON.stringify(input)}`);
  const raw = input as Record<string, unknown>;
  const knownKeys = ['base', 'widths', 'noiseKinds', 'seeds', 'layers', 'analysis', 'interpolationTolerance'];
  checkFields(raw, 'sweep config', knownKeys, ['layers', 'analysis']);
  if (raw.base === undefined) throw new InputError('sweep config.base: the base training config is required');
  const baseRaw = { ...(raw.base as Record<string, unknown>) };
  let base: RunConfig;
  try {
    base = resolveRunConfig(baseRaw);
  } catch (err) {
    throw new InputError(`sweep config.base: ${(err as Error).message}`);
  }
  if (baseRaw.checkpoints === undefined) {
    const every = Math.max(1, Math.ceil(base.epochs / 10));
    base = { ...base, checkpoints: Array.from({ length: Math.floor(base.epochs / every) }, (_, i) => (i + 1) * every) };
  }
  if (baseRaw.evaluate === undefined) base = { ...base, evaluate: 'checkpoints' };

  const widths = raw.widths;
  if (!Array.isArray(widths) || widths.length === 0)
    throw new InputError(`sweep config.widths: expected a non-empty list of widths, got ${JSON.stringify(widths)}`);
  widths.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)
      throw new InputError(`sweep config.widths[${i}]: must be a positive number, got ${JSON.stringify(w)}`);
    // Each width must make a valid model of the base family (e.g. integer k for resnet18).
    try {
      resolveRunConfig({ ...baseRaw, model: { ...base.model, width: w } });
    } catch (err) {
      throw new InputError(`sweep config.widths[${i}]: ${(err as Error).message}`);
    }
  });
  if (new Set(widths).size !== widths.length) throw new InputError(`sweep config.widths: widths repeat: ${widths.join(', ')}`);

  const noiseKinds = raw.noiseKinds ?? [base.noise.kind === 'symmetric' ? 'symmetric' : 'permute'];
  if (!Array.isArray(noiseKinds) || noiseKinds.length === 0)
    throw new InputError(
      `sweep config.noiseKinds: expected a non-empty list of ${SWEEP_NOISE_KINDS.join(' / ')}, got ${JSON.stringify(noiseKinds)}`,
    );
  noiseKinds.forEach((k, i) => {
    if (!SWEEP_NOISE_KINDS.includes(k as SweepNoiseKind))
      throw new InputError(`sweep config.noiseKinds[${i}]: must be one of ${SWEEP_NOISE_KINDS.join(', ')}, got ${JSON.stringify(k)}`);
  });
  if (new Set(noiseKinds).size !== noiseKinds.length)
    throw new InputError(`sweep config.noiseKinds: kinds repeat: ${noiseKinds.join(', ')}`);
  if (!(base.noise.epsilon > 0))
    throw new InputError(`sweep config.base.noise.epsilon: a double-descent sweep needs label noise (ε > 0), got ${base.noise.epsilon}`);

  const seeds = raw.seeds ?? [base.seed];
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new InputError(`sweep config.seeds: expected a non-empty list of seeds, got ${JSON.stringify(seeds)}`);
  seeds.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > MAX_SEED)
      throw new InputError(`sweep config.seeds[${i}]: must be an integer in 0..${MAX_SEED} (2^32 - 1), got ${JSON.stringify(s)}`);
  });
  if (new Set(seeds).size !== seeds.length) throw new InputError(`sweep config.seeds: seeds repeat: ${seeds.join(', ')}`);

  let layers: string[] | null = null;
  if (raw.layers !== undefined && raw.layers !== null) {
    if (!Array.isArray(raw.layers) || raw.layers.length === 0 || !raw.layers.every((l) => typeof l === 'string' && l !== '')) {
      throw new InputError(`sweep config.layers: expected a non-empty list of analysis point names, got ${JSON.stringify(raw.layers)}`);
    }
    layers = raw.layers as string[];
  }

  let analysis: AnalysisSettings | null = null;
  if (raw.analysis !== undefined && raw.analysis !== null) {
    const a = raw.analysis as Record<string, unknown>;
    if (typeof a !== 'object' || Array.isArray(a))
      throw new InputError(`sweep config.analysis: expected an object or null, got ${JSON.stringify(a)}`);
    checkFields(a, 'sweep config.analysis', ANALYSIS_FIELDS);
    const intField = (k: string, min: number) => {
      const v = a[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
        throw new InputError(`sweep config.analysis.${k}: must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    };
    intField('P', 2);
    intField('M', 2);
    intField('nT', 1);
    if ((a.nT as number) > MAX_N_T) throw new InputError(`sweep config.analysis.nT: at most ${MAX_N_T}, got ${a.nT} (${N_T_LIMIT_REASON})`);
    intField('seeds', 1);
    intField('projectionDim', 1);
    if (a.mode !== 'stable' && a.mode !== 'faithful')
      throw new InputError(`sweep config.analysis.mode: must be 'stable' or 'faithful', got ${JSON.stringify(a.mode)}`);
    if (typeof a.kappa !== 'number' || !Number.isFinite(a.kappa) || a.kappa < 0)
      throw new InputError(`sweep config.analysis.kappa: must be a number >= 0, got ${JSON.stringify(a.kappa)}`);
    analysis = a as unknown as AnalysisSettings;
  }

  const tol = raw.interpolationTolerance ?? 0.01;
  if (typeof tol !== 'number' || !(tol >= 0 && tol < 1))
    throw new InputError(`sweep config.interpolationTolerance: must be a number in [0, 1), got ${JSON.stringify(tol)}`);

  return {
    base,
    widths: [...(widths as number[])].sort((x, y) => x - y),
    noiseKinds: noiseKinds as SweepNoiseKind[],
    seeds: seeds as number[],
    layers,
    analysis,
    interpolationTolerance: tol,
  };
}

/** One training run of the sweep. */
export interface SweepPoint {
  noiseKind: SweepNoiseKind;
  width: number;
  seed: number;
  /** Run directory, relative to the sweep folder. */
  dirName: string;
  config: RunConfig;
}

/** The sweep's points, widest first (over all noise kinds and seeds), so the longest runs start
 * early and the cores stay busy until the end. */
export function sweepPoints(cfg: ResolvedWidthSweepConfig): SweepPoint[] {
  const out: SweepPoint[] = [];
  for (const width of [...cfg.widths].reverse()) {
    for (const noiseKind of cfg.noiseKinds) {
      for (const seed of cfg.seeds) {
        const config = resolveRunConfig({
          ...cfg.base,
          model: { ...cfg.base.model, width },
          noise: { kind: noiseKind, epsilon: cfg.base.noise.epsilon },
          seed,
          dataSeed: cfg.base.dataSeed,
        });
        const dirName = `${noiseKind}-width${width}` + (cfg.seeds.length > 1 || seed !== cfg.base.seed ? `-seed${seed}` : '');
        out.push({ noiseKind, width, seed, dirName, config });
      }
    }
  }
  return out;
}
