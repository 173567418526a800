import type { Row } from '../tables/csv';
import type { TextTable } from '../tables/markdownTable';

/** One claim checked against the numbers (the report's FindingCheck shape); `held` null = undecidable. */
export interface RewindingCheck {
  claim: string;
  held: boolean | null;
  evidence: string;
}

/** Accuracies after one rewinding, and the share of the peak→final test-accuracy drop it recovers. */
export interface RewoundAccuracy {
  mode: string;
  /** Layers rewound together, in forward order. */
  layers: string[];
  L: number;
  epoch: number;
  test_accuracy: number;
  /** (test accuracy − final) / (peak − final): 1 = back at the peak, 0 = no better than the final model. */
  recovered: number;
  train_unpermuted_accuracy: number;
  /** Maini et al.'s measure: accuracy on the permuted examples against the labels they were trained on. */
  train_permuted_accuracy: number;
  train_restored_accuracy: number;
}

export interface RewindingFindings {
  finalEpoch: number;
  finalTestAccuracy: number;
  peakEpoch: number;
  peakTestAccuracy: number;
  /** Peak − final test accuracy. */
  drop: number;
  /** The epoch the findings rewind to: the peak epoch, or the swept epoch closest to it if it was not swept. */
  targetEpoch: number;
  /** Permuted-example accuracy (trained labels) of the final model and at the peak epoch. */
  finalPermutedAccuracy: number;
  peakPermutedAccuracy: number;
  /** Accuracy of the final model on the permuted examples against their true labels (restored). */
  finalRestoredAccuracy: number;
  /** The last `lastL` layers rewound to the target epoch (the paper's "final few layers"). */
  last: RewoundAccuracy | null;
  /** Only the first layer rewound to the target epoch (the control). */
  first: RewoundAccuracy | null;
  /** Rewinding the last / first L layers to the target epoch, L = 1..depth. */
  lastCurve: RewoundAccuracy[];
  firstCurve: RewoundAccuracy[];
  /** Each layer alone rewound to the target epoch. */
  single: RewoundAccuracy[];
  /**
   * Maini et al.'s reading: layers that, rewound alone to the target epoch, cut the permuted-example
   * accuracy (trained labels) to at most half the final model's (the layers memorization needs).
   */
  memorizingLayers: string[];
  thresholds: { half: number; little: number; minDrop: number };
  /** memgeo's criterion, fixed in advance: last layers recover ≥ `half` of the drop, the first layer < `little`. */
  checks: RewindingCheck[];
  /** Both checks held (null when either cannot be decided). */
  held: boolean | null;
  /** The findings in sentences, numbers included (for notebooks and the report). */
  lines: string[];
}

export interface RewindingFindingsOptions {
  /** How many final layers count as "the last layers" (default 2: the last hidden layer and the logits). */
  lastL?: number;
  /** Share of the drop the last layers must recover (default 0.5). */
  half?: number;
  /** Share of the drop below which the first layer "recovers little" (default 0.25). */
  little?: number;
  /** A drop smaller than this (default 0.02) leaves nothing to recover: the checks are undecided. */
  minDrop?: number;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

/**
 * What the rewinding table says about the paper's claim (docs/paper.md §4: rewinding the final few layers
 * to an epoch before memorization restores test accuracy; early layers matter little) and about
 * Maini et al.'s measure (accuracy on the memorized, permuted examples), from rewinding.csv and the
 * run's metrics.csv. Nothing here is hard-coded: every number comes from the two tables.
 */
export function rewindingFindings(rewinding: Row[], metrics: Row[], opts: RewindingFindingsOptions = {}): RewindingFindings {
  const half = opts.half ?? 0.5;
  const little = opts.little ?? 0.25;
  const minDrop = opts.minDrop ?? 0.02;
  const test = metrics.filter((r) => r.split === 'test' && Number.isFinite(Number(r.accuracy)));
  if (test.length === 0) throw new Error('rewindingFindings: metrics has no test rows');
  if (rewinding.length === 0) throw new Error('rewindingFindings: the rewinding table is empty');
  const acc = (epoch: number, split: string) =>
    Number(metrics.find((r) => Number(r.epoch) === epoch && r.split === split)?.accuracy ?? NaN);
  const { finalEpoch, peakEpoch, peakTestAccuracy } = peakAndFinal(test);
  const finalTestAccuracy = acc(finalEpoch, 'test');
  const drop = peakTestAccuracy - finalTestAccuracy;
  const targetEpoch = targetEpochOf(rewinding, peakEpoch);

  const { lastCurve, firstCurve, single, names, depth } = rewoundAt(rewinding, targetEpoch, finalTestAccuracy, drop);
  const lastL = Math.max(1, Math.min(opts.lastL ?? 2, depth - 1));
  const last = lastCurve.find((a) => a.L === lastL) ?? null;
  // The first layer alone: the `first` sweep at L = 1, or the `single` row of layer 1.
  const first = firstCurve.find((a) => a.L === 1) ?? single.find((a) => a.layers[0] === names.get(1)) ?? null;

  const f: RewindingFindings = {
    finalEpoch,
    finalTestAccuracy,
    peakEpoch,
    peakTestAccuracy,
    drop,
    targetEpoch,
    finalPermutedAccuracy: acc(finalEpoch, 'train_permuted'),
    peakPermutedAccuracy: acc(targetEpoch, 'train_permuted'),
    finalRestoredAccuracy: acc(finalEpoch, 'train_restored'),
    last,
    first,
    lastCurve,
    firstCurve,
    single,
    memorizingLayers: [],
    thresholds: { half, little, minDrop },
    checks: [],
    held: null,
    lines: [],
  };
  f.checks = rewindingChecks(f, lastL);
  f.held = f.checks.some((c) => c.held === null) ? null : f.checks.every((c) => c.held);
  f.memorizingLayers = single.filter((a) => a.train_permuted_accuracy <= f.finalPermutedAccuracy / 2).map((a) => a.layers[0]);
  f.lines = rewindingLines(f, lastL);
  return f;
}

/** The final epoch and the test-accuracy peak of metrics.csv's test rows (the earliest epoch on ties). */
function peakAndFinal(test: Row[]): { finalEpoch: number; peakEpoch: number; peakTestAccuracy: number } {
  const finalEpoch = Math.max(...test.map((r) => Number(r.epoch)));
  let peak = test[0];
  for (const r of test)
    if (
      Number(r.accuracy) > Number(peak.accuracy) ||
      (Number(r.accuracy) === Number(peak.accuracy) && Number(r.epoch) < Number(peak.epoch))
    )
      peak = r;
  return { finalEpoch, peakEpoch: Number(peak.epoch), peakTestAccuracy: Number(peak.accuracy) };
}

/** The epoch to rewind to (docs/paper.md §4: before memorization): the peak, or the swept epoch closest to it. */
function targetEpochOf(rewinding: Row[], peakEpoch: number): number {
  const swept = [...new Set(rewinding.map((r) => Number(r.epoch)))];
  return swept.includes(peakEpoch)
    ? peakEpoch
    : swept.reduce((b, e) => (Math.abs(e - peakEpoch) < Math.abs(b - peakEpoch) ? e : b), swept[0]);
}

/**
 * The rows rewound to the target epoch, by mode (docs/paper.md §4): the last L and the first L layers
 * by L, each layer alone in forward order; each with the layers it rewound and the share of the drop
 * it recovered.
 */
function rewoundAt(
  rewinding: Row[],
  targetEpoch: number,
  finalTestAccuracy: number,
  drop: number,
): { lastCurve: RewoundAccuracy[]; firstCurve: RewoundAccuracy[]; single: RewoundAccuracy[]; names: Map<number, string>; depth: number } {
  const names = new Map<number, string>();
  for (const r of rewinding) names.set(Number(r.layer_index), String(r.layer));
  const depth = Math.max(...names.keys());
  const layersOf = (r: Row): string[] => {
    const i = Number(r.layer_index);
    const range = r.mode === 'single' ? [i] : r.mode === 'last' ? seq(i, depth) : seq(1, i);
    return range.map((k) => names.get(k) ?? `#${k}`);
  };
  const toAccuracy = (r: Row): RewoundAccuracy => ({
    mode: String(r.mode),
    layers: layersOf(r),
    L: Number(r.L),
    epoch: Number(r.epoch),
    test_accuracy: Number(r.test_accuracy),
    recovered: (Number(r.test_accuracy) - finalTestAccuracy) / drop,
    train_unpermuted_accuracy: Number(r.train_unpermuted_accuracy),
    train_permuted_accuracy: Number(r.train_permuted_accuracy),
    train_restored_accuracy: Number(r.train_restored_accuracy),
  });
  const at = (mode: string) => rewinding.filter((r) => r.mode === mode && Number(r.epoch) === targetEpoch).map(toAccuracy);
  const layerIndex = (a: RewoundAccuracy): number => {
    for (const [k, v] of names) if (v === a.layers[0]) return k;
    return 0;
  };
  return {
    lastCurve: at('last').sort((a, b) => a.L - b.L),
    firstCurve: at('first').sort((a, b) => a.L - b.L),
    single: at('single').sort((a, b) => layerIndex(a) - layerIndex(b)),
    names,
    depth,
  };
}

/** The paper's claim (docs/paper.md §4) as memgeo's two checks, fixed in advance: the last layers recover ≥ `half` of the drop, the first layer < `little`. */
function rewindingChecks(f: RewindingFindings, lastL: number): RewindingCheck[] {
  const { last, first, targetEpoch } = f;
  const { half, little, minDrop } = f.thresholds;
  const decidable = Number.isFinite(f.drop) && f.drop >= minDrop;
  const undecided = `the test accuracy fell only ${pct(f.drop)} from its peak (less than ${pct(minDrop)}): nothing to recover`;
  return [
    {
      claim: `rewinding ${lastLayersName(last, lastL)} to the test-accuracy peak epoch recovers at least ${pct(half)} of the peak→final test-accuracy drop`,
      held: !decidable || !last ? null : last.recovered >= half,
      evidence: !last
        ? `no 'last' row with L = ${lastL} at epoch ${targetEpoch}`
        : !decidable
          ? undecided
          : `test accuracy ${pct(f.finalTestAccuracy)} (final, epoch ${f.finalEpoch}) → ${pct(last.test_accuracy)} after rewinding to epoch ${targetEpoch} (peak ${pct(f.peakTestAccuracy)}): ${pct(last.recovered)} of the drop recovered`,
    },
    {
      claim: `rewinding only the first layer to the same epoch recovers little (less than ${pct(little)} of the drop)`,
      held: !decidable || !first ? null : first.recovered < little,
      evidence: !first
        ? `no row for the first layer at epoch ${targetEpoch}`
        : !decidable
          ? undecided
          : `test accuracy ${pct(first.test_accuracy)} after rewinding ${first.layers[0]}: ${pct(first.recovered)} of the drop recovered`,
    },
  ];
}

const lastLayersName = (last: RewoundAccuracy | null, lastL: number) =>
  last ? `the last ${last.L} layers (${last.layers.join(', ')})` : `the last ${lastL} layers`;

/** The findings in sentences, numbers included, ending with the checks (for notebooks, the CLI and the report). */
function rewindingLines(f: RewindingFindings, lastL: number): string[] {
  const { last, first, lastCurve, firstCurve, single, targetEpoch, peakEpoch, finalPermutedAccuracy } = f;
  const lastName = lastLayersName(last, lastL);
  const lines = [
    `Test accuracy: peak ${pct(f.peakTestAccuracy)} at epoch ${peakEpoch}, final ${pct(f.finalTestAccuracy)} at epoch ${f.finalEpoch} (a drop of ${pct(f.drop)}); rewinding targets epoch ${targetEpoch}${targetEpoch !== peakEpoch ? ` (the swept epoch closest to the peak, ${peakEpoch})` : ''}.`,
  ];
  if (last)
    lines.push(
      `Rewinding ${lastName} to epoch ${targetEpoch}: test ${pct(last.test_accuracy)} (${pct(last.recovered)} of the drop recovered); permuted examples, trained labels ${pct(finalPermutedAccuracy)} → ${pct(last.train_permuted_accuracy)}; restored (true labels) ${pct(last.train_restored_accuracy)}.`,
    );
  if (first)
    lines.push(
      `Rewinding only ${first.layers[0]} to epoch ${targetEpoch}: test ${pct(first.test_accuracy)} (${pct(first.recovered)} of the drop recovered); permuted examples, trained labels ${pct(finalPermutedAccuracy)} → ${pct(first.train_permuted_accuracy)}.`,
    );
  if (lastCurve.length)
    lines.push(`Last L layers, test accuracy by L: ${lastCurve.map((a) => `L=${a.L} ${pct(a.test_accuracy)}`).join(', ')}.`);
  if (firstCurve.length)
    lines.push(`First L layers, test accuracy by L: ${firstCurve.map((a) => `L=${a.L} ${pct(a.test_accuracy)}`).join(', ')}.`);
  if (single.length)
    lines.push(
      `One layer alone (test / permuted-example accuracy): ${single.map((a) => `${a.layers[0]} ${pct(a.test_accuracy)} / ${pct(a.train_permuted_accuracy)}`).join(', ')}.`,
    );
  lines.push(`Permuted-example accuracy (trained labels) of the model at epoch ${targetEpoch} itself: ${pct(f.peakPermutedAccuracy)}.`);
  if (single.length)
    lines.push(
      `Layers that alone, rewound to epoch ${targetEpoch}, cut the permuted-example accuracy to at most half the final ${pct(finalPermutedAccuracy)} (Maini et al.'s measure): ${f.memorizingLayers.length ? f.memorizingLayers.join(', ') : 'none'} of ${single.length}.`,
    );
  for (const c of f.checks) lines.push(`${c.held === null ? 'UNDECIDED' : c.held ? 'HELD' : 'NOT HELD'}: ${c.claim} — ${c.evidence}.`);
  return lines;
}

function seq(a: number, b: number): number[] {
  const out: number[] = [];
  for (let k = a; k <= b; k++) out.push(k);
  return out;
}

/** The findings as Markdown: one item per sentence of `lines`, the checks with their verdicts last (notebook 03, CLI). */
export function rewindingFindingsMarkdown(f: RewindingFindings): string {
  return f.lines.map((l) => `- ${l}`).join('\n');
}

/**
 * The rewinding results at the target epoch as a table: the final model, each layer alone, the last L
 * and the first L layers, with test accuracy, the share of the drop recovered and the accuracies on the
 * permuted examples (trained labels, Maini et al.'s measure; true labels, restored).
 */
export function rewindingFindingsTable(f: RewindingFindings): TextTable {
  const row = (what: string, a: RewoundAccuracy) => [
    what,
    a.layers.join(', '),
    pct(a.test_accuracy),
    pct(a.recovered),
    pct(a.train_permuted_accuracy),
    pct(a.train_restored_accuracy),
  ];
  return {
    columns: [
      `rewound to epoch ${f.targetEpoch}`,
      'layers',
      'test',
      'drop recovered',
      'permuted (trained labels)',
      'permuted (true labels)',
    ],
    rows: [
      [
        `final model (epoch ${f.finalEpoch}), nothing rewound`,
        '-',
        pct(f.finalTestAccuracy),
        '0%',
        pct(f.finalPermutedAccuracy),
        pct(f.finalRestoredAccuracy),
      ],
      ...f.single.map((a) => row('one layer', a)),
      ...f.lastCurve.map((a) => row(`last ${a.L}`, a)),
      ...f.firstCurve.map((a) => row(`first ${a.L}`, a)),
    ],
  };
}
