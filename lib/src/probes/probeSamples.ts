import { InputError } from '../errors';
import { groupView, MANIFOLD_KINDS } from '../noise/groupView';
import { sampleManifoldGroups } from '../noise/sampleManifolds';
import type { ManifoldKind, ManifoldSample, NoisyLabels } from '../noise/types';
import { Rng } from '../random';

/** The examples one manifold type is probed on: a fitted part and a held-out part, with the type's labels. */
export interface ProbeSet {
  kind: ManifoldKind;
  /** The geometry's sample (P classes × M examples, manifold after manifold) and its grouping labels. */
  fit: Int32Array;
  fitLabels: Int32Array;
  /** Other examples of the same group and classes (H per class), never in `fit`. */
  eval: Int32Array;
  evalLabels: Int32Array;
  /** Held-out examples per class. */
  heldOutPerClass: number;
  sample: ManifoldSample;
}

/**
 * The examples of the probes, per manifold type: the P × M examples the geometry analyses
 * (`sampleManifoldGroups` with the same P, M and seed, so probes and capacity read the same points)
 * plus a held-out part of `heldOut` further examples per class of the same group (default M), drawn
 * with the seed from those not in the sample. The held-out part is capped by what the smallest class
 * has left, so every class contributes equally; none left is an InputError. Labels are the type's
 * grouping labels: true labels (unpermuted, restored) or the labels trained on (permuted).
 */
export function probeSamples(
  noisy: NoisyLabels,
  opts: { P: number; M: number; seed: number; kinds?: ManifoldKind[]; heldOut?: number },
): Record<string, ProbeSet> {
  const kinds = opts.kinds ?? [...MANIFOLD_KINDS];
  const heldOut = opts.heldOut ?? opts.M;
  if (!Number.isInteger(heldOut) || heldOut < 1)
    throw new InputError(`heldOut (held-out examples per class) must be a positive integer, got ${heldOut}`);
  const samples = sampleManifoldGroups(noisy, { P: opts.P, M: opts.M, seed: opts.seed, kinds });
  const out: Record<string, ProbeSet> = {};
  for (const kind of kinds) {
    const sample = samples[kind]!;
    const view = groupView(noisy, kind);
    const taken = new Set<number>(sample.indices.flatMap((ix) => Array.from(ix)));
    const rest = Array.from(sample.classes, () => [] as number[]);
    const slot = new Map<number, number>();
    sample.classes.forEach((c, s) => slot.set(c, s));
    for (let k = 0; k < view.indices.length; k++) {
      const s = slot.get(view.labels[k]);
      if (s !== undefined && !taken.has(view.indices[k])) rest[s].push(view.indices[k]);
    }
    const H = Math.min(heldOut, ...rest.map((r) => r.length));
    if (H < 1) {
      const c = sample.classes[rest.findIndex((r) => r.length === 0)];
      throw new InputError(
        `probes (${kind}): class ${c} has no ${kind} examples left for the held-out part after the M = ${opts.M} of the geometry sample; lower M or use more training examples`,
      );
    }
    const evalIdx: number[] = [];
    const evalLab: number[] = [];
    rest.forEach((r, s) => {
      const pick = Rng.derive(opts.seed, 'probes', 'heldOut', kind, sample.classes[s]).sample(r.length, H);
      for (const j of Array.from(pick).sort((a, b) => a - b)) {
        evalIdx.push(r[j]);
        evalLab.push(sample.classes[s]);
      }
    });
    const fit = Int32Array.from(sample.indices.flatMap((ix) => Array.from(ix)));
    const fitLabels = Int32Array.from(sample.indices.flatMap((ix, s) => Array.from(ix, () => sample.classes[s])));
    out[kind] = { kind, fit, fitLabels, eval: Int32Array.from(evalIdx), evalLabels: Int32Array.from(evalLab), heldOutPerClass: H, sample };
  }
  return out;
}
