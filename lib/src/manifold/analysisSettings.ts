import { InputError } from '../errors';
import type { AnalysisMode } from './sharedCenterSubspace';

/**
 * The settings of one manifold analysis (docs/mftma.md; docs/paper.md §3.5), shared by every caller:
 * the geometry of a run, the width sweep's geometry, the presets and the command line. They live here,
 * beside the analysis they configure, so that those callers import them downwards.
 */
export interface AnalysisSettings {
  /** Number of classes (manifolds) P. */
  P: number;
  /** Examples per manifold M. */
  M: number;
  /** Gaussian t-vectors per manifold n_t. */
  nT: number;
  /** Seeds per analysis; tables carry the mean and std over them (the stable mode's seed spread, lib/src/manifold/README.md). */
  seeds: number;
  /** Layers wider than this are randomly projected to it (the reference wrapper's 5000). */
  projectionDim: number;
  /** 'stable' (default for experiments) or 'faithful' (the reference's procedure). */
  mode: AnalysisMode;
  /** Margin κ (the paper: 0). */
  kappa: number;
}

/** The two procedures of the analysis (lib/src/manifold/README.md "Modes"). */
export const ANALYSIS_MODES: readonly AnalysisMode[] = ['stable', 'faithful'];

/** Every field of the settings, in the order tables and messages list them. */
export const ANALYSIS_SETTINGS_FIELDS: readonly (keyof AnalysisSettings)[] = ['P', 'M', 'nT', 'seeds', 'projectionDim', 'mode', 'kappa'];

/** Defaults of the analysis (docs/paper.md §3.5: κ = 0, n_t = 200, projection to 5000; memgeo's choice: 3 seeds, stable mode, lib/src/manifold/README.md "Modes"). */
export const ANALYSIS_DEFAULTS: AnalysisSettings = { P: 10, M: 50, nT: 200, seeds: 3, projectionDim: 5000, mode: 'stable', kappa: 0 };

/** Upper bound of n_t, the Gaussian t-vectors drawn per manifold. */
export const MAX_N_T = 100_000;
/** Why n_t is bounded (in the message of a larger request). */
export const N_T_LIMIT_REASON =
  "the capacity estimate's sampling error falls as 1/sqrt(n_t), so beyond 10^5 t-vectors only the time and the memory (n_t x (D+1) numbers per manifold) grow";

/** Most analysis seeds per call. */
export const MAX_ANALYSIS_SEEDS = 1000;
/** Why (in the message of a larger request). */
export const SEEDS_LIMIT_REASON =
  "the mean over 1000 seeds already has a standard error of 3% of the seeds' spread (1/sqrt(1000)); more seeds only multiply the time";

/** How a message names each field when the caller does not say: the paper's symbols with what they count. */
export const ANALYSIS_FIELD_NAMES: Readonly<Record<keyof AnalysisSettings, string>> = {
  P: 'P (manifolds)',
  M: 'M (examples per manifold)',
  nT: 'n_t',
  seeds: 'seeds',
  projectionDim: 'projectionDim',
  mode: 'mode',
  kappa: 'kappa',
};

/** A value as a message shows it: numbers as written, strings quoted, anything else as JSON. */
function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  return String(JSON.stringify(v));
}

/**
 * The one validation of analysis settings: checks `fields` of `values` (all of them by default) and
 * throws an InputError naming the first bad field. `name` says how a message names a field, e.g.
 * `(k) => \`sweep config.analysis.${k}:\`` for a config file; the default is ANALYSIS_FIELD_NAMES.
 * The bounds: P, M >= 2 (a dichotomy needs two manifolds, a manifold two points), n_t and seeds >= 1
 * and at most MAX_N_T / MAX_ANALYSIS_SEEDS, projectionDim >= 1, κ finite, a known mode.
 */
export function checkAnalysisSettings(
  values: Partial<Record<keyof AnalysisSettings, unknown>>,
  name: (field: keyof AnalysisSettings) => string = (k) => ANALYSIS_FIELD_NAMES[k],
  fields: readonly (keyof AnalysisSettings)[] = ANALYSIS_SETTINGS_FIELDS,
): void {
  const int = (k: keyof AnalysisSettings, min: number, max?: { value: number; reason: string }) => {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      throw new InputError(`${name(k)} must be an integer >= ${min}, got ${shown(v)}`);
    if (max && v > max.value) throw new InputError(`${name(k)} must be at most ${max.value}, got ${v}: ${max.reason}`);
  };
  for (const k of fields) {
    if (k === 'P' || k === 'M') int(k, 2);
    else if (k === 'nT') int(k, 1, { value: MAX_N_T, reason: N_T_LIMIT_REASON });
    else if (k === 'seeds') int(k, 1, { value: MAX_ANALYSIS_SEEDS, reason: SEEDS_LIMIT_REASON });
    else if (k === 'projectionDim') int(k, 1);
    else if (k === 'kappa') {
      if (typeof values.kappa !== 'number' || !Number.isFinite(values.kappa))
        throw new InputError(`${name(k)} must be a finite number, got ${shown(values.kappa)}`);
    } else if (k === 'mode') {
      if (!isAnalysisMode(values.mode)) throw new InputError(`${name(k)} must be 'stable' or 'faithful', got ${shown(values.mode)}`);
    }
  }
}

/** Whether a value is one of the analysis modes (for parsers of command-line flags). */
export function isAnalysisMode(v: unknown): v is AnalysisMode {
  return ANALYSIS_MODES.includes(v as AnalysisMode);
}
