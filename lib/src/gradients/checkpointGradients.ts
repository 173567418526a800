import { InputError } from '../errors';
import type { Model } from '../models/Model';
import type { Row } from '../tables/csv';
import { GradientAccumulator, type LayerInfo } from './gradientAccumulator';
import { GRADIENT_PARTS, referenceDistribution, type GradientPart, type GradientReference } from './parts';
import type { GradientGroup, GroupIndices } from './gradientGroups';
import { cosine, dot, norm } from './vectors';

/** Per group: its size, summed loss and, per layer, the sum of its examples' gradients (and of their parts). */
export interface GroupGradientSums {
  group: GradientGroup;
  count: number;
  /** Σ_{i∈G} ℓ_i (inference mode). */
  lossSum: number;
  /** Per layer, S_G = Σ_{i∈G} ∇_θℓ ℓ_i (the `total` part). */
  sums: Float32Array[];
  /** Per layer, the sums of the label-independent and label-dependent parts (`GradientPart`); null without a split. */
  parts: { label_independent: Float32Array[]; label_dependent: Float32Array[] } | null;
}

/** The gradient sums of every group at one checkpoint. */
export interface CheckpointGradients {
  layers: LayerInfo[];
  /** Training examples in all groups together (the full batch). */
  n: number;
  groups: GroupGradientSums[];
  /** The reference distribution ū of the split into parts; null when only the total was computed. */
  reference: GradientReference | null;
}

/** Per-layer sums of one part of a group (`total` is `sums`). */
export function partSums(g: GroupGradientSums, part: GradientPart): Float32Array[] {
  if (part === 'total') return g.sums;
  if (!g.parts)
    throw new InputError(`the ${g.group} group's gradients were computed without the split into parts (no reference distribution)`);
  return g.parts[part];
}

/**
 * Per-group gradient sums of a model at one checkpoint (docs/paper.md §6), in inference mode (see
 * `GradientAccumulator`), against the labels trained on. The groups must partition the training set
 * for the contributions to add up to the full-batch gradient. With `reference` each sum is also split
 * into its label-independent and label-dependent parts (`GradientPart`), ū taken over the whole
 * training set (`referenceDistribution`); null computes the total only (one backward pass fewer).
 */
export function checkpointGradients(
  model: Model,
  images: Float32Array,
  trainLabels: Int32Array,
  groups: GroupIndices[],
  batchSize = 256,
  reference: GradientReference | null = 'uniform',
): CheckpointGradients {
  let n = 0;
  for (const g of groups) n += g.indices.length;
  if (n !== trainLabels.length)
    throw new InputError(
      `checkpointGradients: the groups hold ${n} examples, the training set ${trainLabels.length}; they must partition it`,
    );
  const ubar = reference ? referenceDistribution(reference, trainLabels, model.numClasses) : null;
  const out: GroupGradientSums[] = [];
  let layers: LayerInfo[] = [];
  for (const g of groups) {
    const acc = new GradientAccumulator(model, images, trainLabels, batchSize, ubar);
    try {
      acc.add(g.indices);
      layers = acc.slices.map(({ layer, layerIndex, size }) => ({ layer, layerIndex, size }));
      if (ubar) {
        const p = acc.readParts();
        out.push({
          group: g.group,
          count: acc.count,
          lossSum: acc.lossSum,
          sums: p.total,
          parts: { label_independent: p.label_independent, label_dependent: p.label_dependent },
        });
      } else {
        out.push({ group: g.group, count: acc.count, lossSum: acc.lossSum, sums: acc.read(), parts: null });
      }
    } finally {
      acc.dispose();
    }
  }
  return { layers, n, groups: out, reference };
}

/**
 * Gradient and contribution of a group, per layer (docs/paper.md §6), of the total or of one part.
 * With S_G the sum of the per-example gradients (or of their parts) of group G, n_G its size and n
 * the training-set size:
 * - gradient of G: g_G = S_G / n_G, the gradient of the mean loss over G;
 * - contribution of G: c_G = (n_G / n) g_G = S_G / n, its share of the full-batch gradient
 *   g = ∇ (1/n) Σ_i ℓ_i = Σ_G c_G (the contributions add up to g exactly; so do those of each part,
 *   to the same part of g).
 * The unpermuted and permuted groups' contributions are what the gradient descent step on the
 * full training set is made of; their ratio is the quantity of the paper's argument.
 */
export function groupGradient(
  result: CheckpointGradients,
  group: GradientGroup | 'full',
  layerIndex: number,
  kind: 'gradient' | 'contribution',
  part: GradientPart = 'total',
): Float32Array {
  const k = result.layers.findIndex((l) => l.layerIndex === layerIndex);
  if (k < 0) throw new InputError(`groupGradient: no layer with index ${layerIndex}`);
  const parts = group === 'full' ? result.groups : result.groups.filter((g) => g.group === group);
  if (parts.length === 0) throw new InputError(`groupGradient: no group '${group}'`);
  const count = parts.reduce((a, g) => a + g.count, 0);
  const scale = kind === 'contribution' ? 1 / result.n : 1 / count;
  const v = new Float32Array(result.layers[k].size);
  for (const g of parts) {
    const s = partSums(g, part)[k];
    for (let i = 0; i < v.length; i++) v[i] += s[i];
  }
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return v;
}

export const GRADIENT_COLUMNS = [
  'epoch',
  'layer',
  'layer_index',
  'group',
  'part',
  'reference',
  'count',
  'loss',
  'params',
  'grad_norm',
  'contribution_norm',
  'cosine',
  'cosine_full',
];

/**
 * Tidy rows of `gradients.csv` for one checkpoint: per layer and part (`total`, and with a split also
 * `label_independent` and `label_dependent`, see `GradientPart`), one row per group and one for the
 * full batch (group `full`). Columns:
 * - `part`: which part of the per-example gradients is summed; `reference`: the ū of the split
 *   (`uniform` or `class_frequencies`; empty without a split);
 * - `count`: examples in the group; `loss`: its mean loss (inference mode, labels trained on; a
 *   property of the group, the same on each part's row);
 * - `params`: trainable scalars in the layer (divide norms by √params to compare layers);
 * - `grad_norm`: ‖g_G‖, the norm of the gradient of the group's mean loss (of that part);
 * - `contribution_norm`: ‖c_G‖ = (n_G/n)‖g_G‖, the norm of its share of the full-batch gradient
 *   (for `full`, both are ‖g‖);
 * - `cosine`: cos(g_unpermuted, g_permuted), the angle between the two groups' gradients (of that
 *   part) — a property of the (epoch, layer, part), repeated on each of its rows;
 * - `cosine_full`: cos(g_G, g), how well this group's gradient aligns with the full-batch one of the
 *   same part (1 for `full`).
 * The `total` rows are the same numbers as without a split.
 */
export function gradientRows(result: CheckpointGradients, epoch: number): Row[] {
  const rows: Row[] = [];
  const parts = result.groups.every((g) => g.parts) ? GRADIENT_PARTS : (['total'] as const);
  result.layers.forEach((l, k) => {
    for (const part of parts) {
      const sums = result.groups.map((g) => partSums(g, part)[k]);
      const full = new Float32Array(l.size);
      for (const s of sums) for (let i = 0; i < full.length; i++) full[i] += s[i];
      const at = (group: GradientGroup) => sums[result.groups.findIndex((g) => g.group === group)];
      const su = at('unpermuted');
      const sp = at('permuted');
      const cosUP = su && sp ? cosine(su, sp) : NaN;
      const fullNorm = norm(full);
      const base = { epoch, layer: l.layer, layer_index: l.layerIndex, part, reference: result.reference ?? '', params: l.size };
      result.groups.forEach((g, j) => {
        const s = sums[j];
        const sNorm = norm(s);
        rows.push({
          ...base,
          group: g.group,
          count: g.count,
          loss: g.lossSum / g.count,
          grad_norm: sNorm / g.count,
          contribution_norm: sNorm / result.n,
          cosine: cosUP,
          cosine_full: sNorm > 0 && fullNorm > 0 ? dot(s, full) / (sNorm * fullNorm) : NaN,
        });
      });
      const lossAll = result.groups.reduce((a, g) => a + g.lossSum, 0) / result.n;
      rows.push({
        ...base,
        group: 'full',
        count: result.n,
        loss: lossAll,
        grad_norm: fullNorm / result.n,
        contribution_norm: fullNorm / result.n,
        cosine: cosUP,
        cosine_full: fullNorm > 0 ? 1 : NaN,
      });
    }
  });
  return rows.map((r) => Object.fromEntries(GRADIENT_COLUMNS.map((c) => [c, r[c]])) as Row);
}
