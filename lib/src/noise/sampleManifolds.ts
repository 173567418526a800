import { InputError } from '../errors';
import { Rng } from '../random';
import { groupClassCounts, groupView, MANIFOLD_KINDS, viewNumClasses } from './groupView';
import type { GroupView, ManifoldKind, ManifoldSample, NoisyLabels } from './types';

export interface SampleManifoldsOptions {
  /** Number of manifolds (classes). Default: all classes, or classes.length when classes are given. */
  P?: number;
  /** Examples per manifold. */
  M: number;
  seed: number;
  /** Use these classes instead of drawing P of them. */
  classes?: ArrayLike<number>;
}

/**
 * The P classes of a manifold analysis: `classes` if given (checked), else all classes when P = C,
 * else P classes drawn with the seed. The draw depends only on (seed, C, P), so the three manifold
 * types of one dataset get the same classes (docs/paper.md §3.5: "sampled classes are the same for all
 * three types").
 */
export function chooseClasses(numClasses: number, opts: { P?: number; seed: number; classes?: ArrayLike<number> }): Int32Array {
  if (opts.classes) {
    const cls = Int32Array.from(opts.classes).sort();
    for (let k = 0; k < cls.length; k++) {
      if (!(Number.isInteger(cls[k]) && cls[k] >= 0 && cls[k] < numClasses))
        throw new InputError(`sampleManifolds: class ${cls[k]} is outside [0, ${numClasses})`);
      if (k > 0 && cls[k] === cls[k - 1]) throw new InputError(`sampleManifolds: class ${cls[k]} is listed twice`);
    }
    if (opts.P !== undefined && opts.P !== cls.length)
      throw new InputError(`sampleManifolds: P = ${opts.P} but ${cls.length} classes were given`);
    if (cls.length === 0) throw new InputError('sampleManifolds: the class list is empty');
    return cls;
  }
  const P = opts.P ?? numClasses;
  if (!Number.isInteger(P) || P < 1 || P > numClasses)
    throw new InputError(`sampleManifolds: P must be an integer in [1, ${numClasses}] (the number of classes), got ${P}`);
  if (P === numClasses) return Int32Array.from({ length: P }, (_, c) => c);
  return Rng.derive(opts.seed, 'sampleManifolds', 'classes', numClasses).sample(numClasses, P).sort();
}

/**
 * Sample P manifolds of M examples each from one group (docs/paper.md §3.5: P classes x M examples per
 * class, drawn from the training set). Examples of a class are drawn uniformly without replacement
 * with a per-class seeded stream: the same seed gives the same samples. A class with fewer than M
 * examples in the group is an InputError that says which class, how many it has, and what to change.
 */
export function sampleManifolds(view: GroupView, opts: SampleManifoldsOptions): ManifoldSample {
  const { M, seed } = opts;
  if (!Number.isInteger(M) || M < 1)
    throw new InputError(`sampleManifolds: M (examples per manifold) must be a positive integer, got ${M}`);
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new InputError(`sampleManifolds: seed must be a finite number, got ${seed}`);
  const classes = chooseClasses(viewNumClasses(view), opts);
  const counts = groupClassCounts(view);
  const short = Array.from(classes).filter((c) => counts[c] < M);
  if (short.length > 0) {
    const c = short[0];
    const smallest = Math.min(...Array.from(classes, (k) => counts[k]));
    const label = view.kind === 'permuted' ? 'training (permuted) label' : 'true label';
    const fix =
      view.kind === 'unpermuted'
        ? 'use more training examples per class or a smaller ε'
        : 'raise ε (the permuted group has about ε·n/C examples per class) or use more training examples per class';
    throw new InputError(
      `sampleManifolds(${view.kind}): class ${c} has ${counts[c]} examples with that ${label} in the ${view.kind} group, fewer than M = ${M}` +
        (short.length > 1 ? ` (${short.length} of the ${classes.length} classes are short)` : '') +
        `. Lower M to at most ${smallest}, or ${fix}.`,
    );
  }
  // Members of each chosen class, in ascending index order.
  const slot = new Map<number, number>();
  classes.forEach((c, k) => slot.set(c, k));
  const members = Array.from(classes, (c) => new Int32Array(counts[c]));
  const fill = new Array<number>(classes.length).fill(0);
  for (let k = 0; k < view.labels.length; k++) {
    const s = slot.get(view.labels[k]);
    if (s !== undefined) members[s][fill[s]++] = view.indices[k];
  }
  const indices = members.map((m, s) => {
    const pick = Rng.derive(seed, 'sampleManifolds', 'examples', classes[s]).sample(m.length, M);
    return Int32Array.from(pick, (j) => m[j]).sort();
  });
  return { kind: view.kind, classes, indices, M, seed };
}

/**
 * The three manifold types at once (or `kinds`), with the same classes for all of them.
 */
export function sampleManifoldGroups(
  noisy: NoisyLabels,
  opts: SampleManifoldsOptions & { kinds?: ManifoldKind[] },
): Partial<Record<ManifoldKind, ManifoldSample>> {
  const classes = chooseClasses(noisy.numClasses, opts);
  const out: Partial<Record<ManifoldKind, ManifoldSample>> = {};
  for (const kind of opts.kinds ?? MANIFOLD_KINDS) out[kind] = sampleManifolds(groupView(noisy, kind), { ...opts, P: undefined, classes });
  return out;
}
