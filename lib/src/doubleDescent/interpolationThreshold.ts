import { InputError } from '../errors';
import type { Row } from '../tables/csv';

/** Errors of one model width, averaged over training seeds (one entry per width of a noise kind). */
export interface WidthErrors {
  width: number;
  params: number;
  epochs: number;
  seeds: number;
  trainError: number;
  trainUnpermutedError: number;
  trainPermutedError: number;
  testError: number;
  /** Sample std of the test error over seeds (0 for one seed). */
  testErrorStd: number;
}

/**
 * Per-width errors of one noise kind from double_descent.csv rows (which repeat the errors on every
 * (layer, manifold) row): one entry per width, ascending, the mean over training seeds.
 */
export function widthErrors(rows: Row[], noiseKind?: string): WidthErrors[] {
  const kinds = [...new Set(rows.map((r) => String(r.noise_kind)))];
  const kind = noiseKind ?? kinds[0];
  if (noiseKind === undefined && kinds.length > 1)
    throw new InputError(`widthErrors: the rows hold several noise kinds (${kinds.join(', ')}); name one`);
  const perModel = new Map<string, Row>();
  for (const r of rows) if (String(r.noise_kind) === kind) perModel.set(`${r.width}|${r.seed}`, r);
  const byWidth = new Map<number, Row[]>();
  for (const r of perModel.values()) {
    const w = Number(r.width);
    if (!byWidth.has(w)) byWidth.set(w, []);
    byWidth.get(w)!.push(r);
  }
  const mean = (rs: Row[], c: string) => rs.reduce((s, r) => s + Number(r[c]), 0) / rs.length;
  return [...byWidth.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([width, rs]) => {
      const t = mean(rs, 'test_error');
      return {
        width,
        params: mean(rs, 'params'),
        epochs: mean(rs, 'epochs'),
        seeds: rs.length,
        trainError: mean(rs, 'train_error'),
        trainUnpermutedError: mean(rs, 'train_unpermuted_error'),
        trainPermutedError: mean(rs, 'train_permuted_error'),
        testError: t,
        testErrorStd: rs.length > 1 ? Math.sqrt(rs.reduce((s, r) => s + (Number(r.test_error) - t) ** 2, 0) / (rs.length - 1)) : 0,
      };
    });
}

/**
 * The interpolation threshold (Nakkiran et al. 2020's "effective model complexity" reaching n;
 * docs/paper.md §5): the smallest width whose training error on the noisy training set — against the
 * labels trained on, permuted ones included — is at most `tolerance` (default 1%). Null when no
 * width fits.
 */
export function interpolationThreshold(errors: WidthErrors[], tolerance = 0.01): number | null {
  if (!(tolerance >= 0 && tolerance < 1)) throw new InputError(`interpolationThreshold: tolerance must be in [0, 1), got ${tolerance}`);
  // Errors are counts over n stored as fractions: 10/1000 reads back as 0.010000000000000009.
  const fit = [...errors].sort((a, b) => a.width - b.width).find((e) => e.trainError <= tolerance + 1e-9);
  return fit ? fit.width : null;
}
