import { InputError } from '../errors';
import type { Model } from '../models/Model';
import { Rng } from '../random';
import type { Row } from '../tables/csv';
import { fitLogLogSlope } from './fitLogLogSlope';
import { GradientAccumulator } from './gradientAccumulator';
import { GRADIENT_PARTS, partOf, referenceDistribution, type GradientPart, type GradientReference } from './parts';
import type { GroupIndices } from './gradientGroups';
import { norm } from './vectors';

export interface ScalingOptions {
  /** Numbers of examples summed, e.g. log-spaced 8…512; each at most the group's size. */
  ns: number[];
  /** Independent draws per group. */
  draws: number;
  /** Seed of the draws (the same examples are drawn at every epoch). */
  seed: number;
  batchSize?: number;
  /** ū of the split into parts (`GradientReference`, default `uniform`); null: the total only. */
  reference?: GradientReference | null;
}

export const SCALING_COLUMNS = ['epoch', 'layer', 'layer_index', 'group', 'part', 'reference', 'n', 'draw', 'norm'];

/** Check ns/draws and that every n fits in every group; returns ns sorted ascending, deduplicated. */
export function validateScaling(ns: number[], draws: number, groups: GroupIndices[]): number[] {
  if (!Array.isArray(ns) || ns.length === 0) throw new InputError('gradient scaling: ns must be a non-empty list');
  for (const n of ns)
    if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`gradient scaling: n must be a positive integer, got ${n}`);
  if (!(Number.isInteger(draws) && draws >= 1)) throw new InputError(`gradient scaling: draws must be a positive integer, got ${draws}`);
  const sorted = [...new Set(ns)].sort((a, b) => a - b);
  const max = sorted[sorted.length - 1];
  for (const g of groups)
    if (g.indices.length < max)
      throw new InputError(`gradient scaling: n = ${max} exceeds the ${g.group} group's ${g.indices.length} examples`);
  return sorted;
}

/**
 * The scaling check of docs/paper.md §6: the norm of the summed gradient Σ_{i∈S} ∇_θℓ ℓ_i of n
 * examples drawn without replacement from each group, per layer, for each n and draw, and (with a
 * reference, the default) the norms of its label-independent and label-dependent parts
 * (`GradientPart`; column `part`), ū over the whole training set `trainLabels`. The sets of one draw
 * are nested (the first n of one random order of the group), so a draw costs max(n) example
 * gradients rather than Σ n; draws are independent of each other. Coherent per-example gradients
 * give ‖Σ‖ ∝ n, incoherent (independent, mean-zero) ones ‖Σ‖ ∝ √n.
 */
export function gradientScalingRows(
  model: Model,
  images: Float32Array,
  trainLabels: Int32Array,
  groups: GroupIndices[],
  epoch: number,
  options: ScalingOptions,
): Row[] {
  const ns = validateScaling(options.ns, options.draws, groups);
  const reference = options.reference === undefined ? 'uniform' : options.reference;
  const ubar = reference ? referenceDistribution(reference, trainLabels, model.numClasses) : null;
  const rows: Row[] = [];
  for (const g of groups) {
    for (let draw = 0; draw < options.draws; draw++) {
      const order = Rng.derive(options.seed, 'gradient-scaling', g.group, draw).permutation(g.indices.length);
      const acc = new GradientAccumulator(model, images, trainLabels, options.batchSize, ubar);
      try {
        let done = 0;
        for (const n of ns) {
          acc.add(Array.from(order.subarray(done, n), (k) => g.indices[k]));
          done = n;
          const parts = ubar ? acc.readParts() : { total: acc.read() };
          for (const part of GRADIENT_PARTS) {
            const sums = (parts as Partial<Record<string, Float32Array[]>>)[part];
            if (!sums) continue;
            acc.slices.forEach((l, k) =>
              rows.push({
                epoch,
                layer: l.layer,
                layer_index: l.layerIndex,
                group: g.group,
                part,
                reference: reference ?? '',
                n,
                draw,
                norm: norm(sums[k]),
              }),
            );
          }
        }
      } finally {
        acc.dispose();
      }
    }
  }
  return rows;
}

export const SLOPE_COLUMNS = [
  'epoch',
  'layer',
  'layer_index',
  'group',
  'part',
  'reference',
  'slope',
  'slope_se',
  'r_squared',
  'n_min',
  'n_max',
  'points',
  'slope_upper',
  'n_upper_min',
];

/**
 * The fitted log–log slope per (epoch, layer, group, part) of `gradient_scaling.csv` rows (all draws
 * pooled; rows without a `part` column, written before the split, count as `total`),
 * over the whole range of n (`slope`) and over its upper half (`slope_upper`: n ≥ the geometric middle
 * of the range, at least two distinct n). A sum of vectors with a small shared mean and large
 * independent parts crosses over from slope ½ to slope 1 as n grows, so the upper-half slope shows
 * where the range ends up.
 */
export function gradientScalingSlopes(scaling: Row[]): Row[] {
  const cells = new Map<string, Row[]>();
  for (const r of scaling) {
    const key = `${r.epoch}\u0000${r.layer}\u0000${r.group}\u0000${partOf(r)}`;
    let list = cells.get(key);
    if (!list) cells.set(key, (list = []));
    list.push(r);
  }
  const out: Row[] = [];
  for (const rows of cells.values()) {
    const ns = rows.map((r) => Number(r.n));
    const fit = fitLogLogSlope(
      ns,
      rows.map((r) => Number(r.norm)),
    );
    const r0 = rows[0];
    const distinct = [...new Set(ns)].sort((a, b) => a - b);
    const middle = Math.sqrt(distinct[0] * distinct[distinct.length - 1]);
    const nUpper = Math.min(distinct.find((n) => n >= middle) ?? Infinity, distinct[distinct.length - 2]);
    const upper = rows.filter((r) => Number(r.n) >= nUpper);
    const fitUpper = fitLogLogSlope(
      upper.map((r) => Number(r.n)),
      upper.map((r) => Number(r.norm)),
    );
    out.push({
      epoch: r0.epoch,
      layer: r0.layer,
      layer_index: r0.layer_index,
      group: r0.group,
      part: partOf(r0),
      reference: r0.reference ?? '',
      slope: fit.slope,
      slope_se: fit.slopeStdError,
      r_squared: fit.rSquared,
      n_min: distinct[0],
      n_max: distinct[distinct.length - 1],
      points: fit.count,
      slope_upper: fitUpper.slope,
      n_upper_min: nUpper,
    });
  }
  return out.sort(
    (a, b) =>
      Number(a.epoch) - Number(b.epoch) ||
      Number(a.layer_index) - Number(b.layer_index) ||
      String(a.group).localeCompare(String(b.group)) ||
      GRADIENT_PARTS.indexOf(a.part as GradientPart) - GRADIENT_PARTS.indexOf(b.part as GradientPart),
  );
}
