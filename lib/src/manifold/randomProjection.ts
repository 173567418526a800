import { Rng } from '../random/rng';
import type { ManifoldPoints } from './manifoldPoints';

/**
 * Gaussian random projection to `dim` features, as the reference's PyTorch wrapper does when N is
 * larger than `projection_dimension` (docs/mftma.md §0): W ∈ ℝ^{dim×N} with N(0, 1) entries, each row
 * scaled to unit norm, and every point x ↦ W x. W is drawn row by row from Rng.derive(seed,
 * 'projection'), so it never has to be held in memory whole.
 */
export function randomProjection(manifolds: ManifoldPoints[], dim: number, seed: number): ManifoldPoints[] {
  const N = manifolds[0].ambientDim;
  const rng = Rng.derive(seed, 'projection');
  const out = manifolds.map((m) => ({ numPoints: m.numPoints, ambientDim: dim, data: new Float64Array(m.numPoints * dim) }));
  const block = 32;
  const w = new Float64Array(block * N);
  for (let k0 = 0; k0 < dim; k0 += block) {
    const nb = Math.min(block, dim - k0);
    for (let b = 0; b < nb; b++) {
      const row = w.subarray(b * N, b * N + N);
      rng.fillNormal(row);
      let s = 0;
      for (let f = 0; f < N; f++) s += row[f] * row[f];
      const inv = 1 / Math.sqrt(s);
      for (let f = 0; f < N; f++) row[f] *= inv;
    }
    manifolds.forEach((m, i) => {
      const dst = out[i].data;
      for (let p = 0; p < m.numPoints; p++) {
        const x = m.data.subarray(p * N, p * N + N);
        for (let b = 0; b < nb; b++) {
          const o = b * N;
          let s0 = 0;
          let s1 = 0;
          let f = 0;
          for (; f + 1 < N; f += 2) {
            s0 += w[o + f] * x[f];
            s1 += w[o + f + 1] * x[f + 1];
          }
          if (f < N) s0 += w[o + f] * x[f];
          dst[p * dim + k0 + b] = s0 + s1;
        }
      }
    });
  }
  return out;
}
