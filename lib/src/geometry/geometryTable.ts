import type { Row } from '../tables/csv';

/**
 * Columns of `geometry.csv`, one row per (epoch, analysis point, manifold type) and analysis setting:
 * the MFTMA aggregates (mean over `n_seeds` analysis seeds, docs/paper.md §3.5 and the stable mode of lib/src/manifold/README.md) with their
 * seed-to-seed std, the all-data participation ratio of the same P·M points, and the settings.
 *
 * - `seed`: the base seed. It draws the examples and the random projection; the analysis seeds are
 *   seed, seed + 1, …, seed + n_seeds − 1.
 * - `n_features`: features analysed (after the projection, if the layer was wider than projection_dim).
 * - `n_degenerate`: manifolds that stable mode flagged as degenerate and left out of the aggregates
 *   (largest count over the seeds; the stable centre step does not depend on the seed).
 * - `note`: empty, or why the analysis of that cell failed (its values are then NaN).
 */
export const GEOMETRY_COLUMNS = [
  'epoch',
  'layer',
  'layer_index',
  'manifold',
  'capacity',
  'radius',
  'dimension',
  'center_correlation',
  'K',
  'participation_ratio',
  'capacity_std',
  'radius_std',
  'dimension_std',
  'n_degenerate',
  'n_features',
  'P',
  'M',
  'n_t',
  'kappa',
  'mode',
  'projection_dim',
  'seed',
  'n_seeds',
  'seconds',
  'note',
];

/** The settings columns: rows computed with other settings are kept in the table but never reused. */
export const GEOMETRY_SETTING_COLUMNS = ['P', 'M', 'n_t', 'kappa', 'mode', 'projection_dim', 'seed', 'n_seeds'];

/** A row is identified by its cell and its settings (the upsert key of geometry.csv). */
export const GEOMETRY_KEY_COLUMNS = ['epoch', 'layer', 'manifold', ...GEOMETRY_SETTING_COLUMNS];

/**
 * Columns of `simcap.csv` (paper Fig. 1B): for a subset of the geometry cells, the MFT capacity
 * (mean ± std over the analysis seeds) and the simulated capacity α_sim = P / N_c (docs/mftma.md §6) of
 * the same points: M examples per manifold, a seeded subset of the cell's geometry examples (M may be
 * smaller than geometry.csv's, because the simulation's cost grows fast with P·M). `n_rep` dichotomies
 * per candidate N′. `Nc` and `simulated_capacity` are NaN when p(N′) = 0.5 is not bracketed in
 * [2, min(n_features, P·M)]; `note` then says p at the top of the range, and `data_rank` is the rank
 * of the centred points, beyond which no projection can separate more.
 */
export const SIMCAP_COLUMNS = [
  'epoch',
  'layer',
  'layer_index',
  'manifold',
  'capacity',
  'capacity_std',
  'simulated_capacity',
  'Nc',
  'n_features',
  'data_rank',
  'P',
  'M',
  'n_t',
  'kappa',
  'mode',
  'projection_dim',
  'seed',
  'n_seeds',
  'n_rep',
  'trials',
  'seconds',
  'note',
];

export const SIMCAP_KEY_COLUMNS = ['epoch', 'layer', 'manifold', ...'P M n_t kappa mode projection_dim seed n_seeds n_rep'.split(' ')];

/** The settings part of a geometry row, as stored. */
export interface GeometrySettingsRow {
  P: number;
  M: number;
  n_t: number;
  kappa: number;
  mode: string;
  projection_dim: number;
  seed: number;
  n_seeds: number;
}

/** True when `row` was computed with exactly these settings. */
export function sameSettings(row: Row, settings: GeometrySettingsRow): boolean {
  return GEOMETRY_SETTING_COLUMNS.every((c) => String(row[c]) === String(settings[c as keyof GeometrySettingsRow]));
}

/** Key of a cell within one setting. */
export function cellKey(epoch: number, layer: string, manifold: string): string {
  return `${epoch}\u0001${layer}\u0001${manifold}`;
}
