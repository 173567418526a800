/**
 * Training labels after label noise, with the bookkeeping the paper's three manifold types need
 * (docs/paper.md §3.2, Fig. 1A): per example the true label, the label it is trained on, and whether it
 * belongs to the permuted group.
 */
export interface NoisyLabels {
  /** 'permute' (the paper's: a fraction ε of examples shuffle labels among themselves), 'symmetric'
   * (Nakkiran et al.: with probability p the label becomes a different class uniformly), or 'none'. */
  kind: 'permute' | 'symmetric' | 'none';
  /** ε (permute) or p (symmetric). */
  epsilon: number;
  seed: number;
  numClasses: number;
  /** True class of each training example. */
  trueLabel: Int32Array;
  /** Label the network is trained on. */
  trainLabel: Int32Array;
  /** 1 where the example is in the permuted group (trainLabel is a noise label), else 0. */
  isPermuted: Uint8Array;
  /** 1 where the example was chosen for noise at all (for permute: includes those whose shuffled
   * label equals their true label by chance). */
  isSelected: Uint8Array;
  /** Selected examples whose shuffled label happens to equal the true label. */
  unchangedByChance: number;
  /** Whether unchanged-by-chance examples were kept out of the permuted group (default true). */
  excludeUnchanged: boolean;
}

/** The paper's three manifold types (Fig. 1A). */
export type ManifoldKind = 'unpermuted' | 'permuted' | 'restored';

/** Examples of one group with the label used to group them into manifolds. */
export interface GroupView {
  kind: ManifoldKind;
  /** Indices into the training split. */
  indices: Int32Array;
  /** Grouping label per index: true label (unpermuted, restored) or training label (permuted). */
  labels: Int32Array;
  /** Number of classes of the dataset (labels lie in [0, numClasses)); set by `groupView`. When
   * absent, `sampleManifolds` uses the largest label + 1. */
  numClasses?: number;
}

/** P manifolds of M examples each drawn from one group (see `sampleManifolds`). */
export interface ManifoldSample {
  kind: ManifoldKind;
  /** The P classes, one per manifold, ascending. */
  classes: Int32Array;
  /** Per manifold, M indices into the training split, ascending. */
  indices: Int32Array[];
  /** Examples per manifold. */
  M: number;
  seed: number;
}
