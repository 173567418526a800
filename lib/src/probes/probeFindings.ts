import { InputError } from '../errors';
import { trainingSummary, type TrainingSummary } from '../geometry/trainingSummary';
import { claimsMarkdown, type Claim } from '../geometry/geometryFindings';
import type { Row } from '../tables/csv';
import type { TextTable } from '../tables/markdownTable';

/**
 * Thresholds of the probe verdicts, fixed from the wording of the claims before any probe was run
 * and the same for every preset (accuracies are shares, so 0.10 = 10 points):
 * - "near chance": kNN accuracy ≤ 1/P + 0.10 (with ~400 held-out examples the binomial spread at
 *   chance is ~0.015, so labels the layer does not represent stay well inside);
 * - "rises": + ≥ 0.15 from the test peak to the last epoch; "falls": − ≥ 0.10;
 * - "stays high": falls by at most 0.05;
 * - "larger prediction depth": mean depth of permuted examples ≥ 1 analysis point deeper than that of
 *   unpermuted ones at the last epoch.
 */
export const PROBE_THRESHOLDS = { nearChance: 0.1, rise: 0.15, fall: 0.1, stayHigh: 0.05, depthGap: 1 };
export type ProbeThresholds = typeof PROBE_THRESHOLDS;

export interface ProbeFindings {
  training: TrainingSummary;
  chance: number;
  peakEpoch: number;
  lastEpoch: number;
  layers: string[];
  firstLayers: string[];
  lastLayers: string[];
  /** Accuracy per layer of the kNN and linear probes (held-out evaluation) at the peak and last analysed epochs. */
  table: { layer: string; layerIndex: number; probe: string; manifold: string; peak: number; last: number }[];
  /** Mean and median prediction depth per analysed epoch and group. */
  depth: { epoch: number; group: string; mean: number; median: number; n: number }[];
  claims: Claim[];
  thresholds: ProbeThresholds;
  notes: string[];
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v));
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The probe readings of where memorization lives (Baldock et al. 2021; Maini et al. 2023), each with a
 * verdict from the fixed PROBE_THRESHOLDS, from probes.csv, prediction_depth.csv and the run's
 * metrics.csv. `P` (the number of classes probed) sets chance = 1/P. The test-accuracy peak is the
 * analysed epoch nearest to it. The first and last hidden layers are chosen as in `geometryFindings`
 * (a quarter of the hidden layers each, at least one; the output layer is not hidden).
 *
 * @example
 * const f = probeFindings(exp.table('probes'), exp.table('prediction_depth'), exp.table('metrics'), { P: 10 });
 */
export function probeFindings(
  probes: Row[],
  depthRows: Row[],
  metrics: Row[],
  options: { P: number; thresholds?: Partial<ProbeThresholds> },
): ProbeFindings {
  const th = { ...PROBE_THRESHOLDS, ...options.thresholds };
  if (probes.length === 0) throw new InputError('probeFindings: the probe table is empty');
  if (!Number.isInteger(options.P) || options.P < 2) throw new InputError(`probeFindings: P must be an integer ≥ 2, got ${options.P}`);
  const chance = 1 / options.P;
  const training = trainingSummary(metrics);
  const notes: string[] = [];
  const { peakEpoch, lastEpoch } = probedEpochs(probes, training, notes);
  const groups = probedLayers(probes);
  const acc = (epoch: number, layer: string, manifold: string, probe = 'knn') =>
    num(probes.find((r) => num(r.epoch) === epoch && r.layer === layer && r.manifold === manifold && r.probe === probe)?.accuracy);
  const table = accuracyAtPeakAndLast(groups, acc, peakEpoch, lastEpoch);
  const depth = depthByEpoch(depthRows);
  const claims = [...knnClaims({ th, chance, peakEpoch, lastEpoch, groups, acc }), depthClaim(depth, th, peakEpoch, lastEpoch)];
  const { layers, firstLayers, lastLayers } = groups;
  return { training, chance, peakEpoch, lastEpoch, layers, firstLayers, lastLayers, table, depth, claims, thresholds: th, notes };
}

/** The probed epochs compared: the one nearest the test-accuracy peak and the last, with a note where either differs from the trained epoch. */
function probedEpochs(probes: Row[], training: TrainingSummary, notes: string[]): { peakEpoch: number; lastEpoch: number } {
  const epochs = [...new Set(probes.map((r) => num(r.epoch)))].sort((a, b) => a - b);
  const nearest = (t: number) => epochs.reduce((b, e) => (Math.abs(e - t) < Math.abs(b - t) ? e : b), epochs[0]);
  const peakEpoch = nearest(training.peak.epoch);
  const lastEpoch = epochs[epochs.length - 1];
  if (peakEpoch !== training.peak.epoch)
    notes.push(`the test peak (epoch ${training.peak.epoch}) was not probed; epoch ${peakEpoch} stands in for it`);
  if (lastEpoch !== training.last.epoch)
    notes.push(`the last probed epoch is ${lastEpoch}, not the last trained epoch ${training.last.epoch}`);
  return { peakEpoch, lastEpoch };
}

/** The probed layers in forward order; first and last hidden layers as in `geometryFindings` (a quarter each, at least one; the output is not hidden). */
function probedLayers(probes: Row[]): {
  layerIndex: Map<string, number>;
  layers: string[];
  output: string | null;
  firstLayers: string[];
  lastLayers: string[];
} {
  const layerIndex = new Map<string, number>();
  for (const r of probes) layerIndex.set(String(r.layer), num(r.layer_index));
  const layers = [...layerIndex.keys()].sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!);
  const output = layers.includes('logits') ? 'logits' : null;
  const hidden = layers.filter((l) => layerIndex.get(l)! > 0 && l !== output);
  const q = Math.max(1, Math.round(hidden.length / 4));
  return { layerIndex, layers, output, firstLayers: hidden.slice(0, q), lastLayers: hidden.slice(-q) };
}

type Accuracy = (epoch: number, layer: string, manifold: string, probe?: string) => number;

/** Accuracy of each probe, manifold type and layer at the peak and the last probed epoch. */
function accuracyAtPeakAndLast(
  groups: ReturnType<typeof probedLayers>,
  acc: Accuracy,
  peakEpoch: number,
  lastEpoch: number,
): ProbeFindings['table'] {
  const table: ProbeFindings['table'] = [];
  for (const probe of ['knn', 'linear'])
    for (const manifold of ['unpermuted', 'permuted', 'restored'])
      for (const layer of groups.layers) {
        table.push({
          layer,
          layerIndex: groups.layerIndex.get(layer)!,
          probe,
          manifold,
          peak: acc(peakEpoch, layer, manifold, probe),
          last: acc(lastEpoch, layer, manifold, probe),
        });
      }
  return table;
}

/** Mean and median prediction depth (Baldock et al. 2021) per probed epoch and group. */
function depthByEpoch(depthRows: Row[]): ProbeFindings['depth'] {
  const depth: ProbeFindings['depth'] = [];
  for (const e of [...new Set(depthRows.map((r) => num(r.epoch)))].sort((a, b) => a - b)) {
    for (const group of ['unpermuted', 'permuted']) {
      const v = depthRows.filter((r) => num(r.epoch) === e && r.group === group).map((r) => num(r.depth));
      if (v.length) depth.push({ epoch: e, group, mean: v.reduce((a, b) => a + b, 0) / v.length, median: median(v), n: v.length });
    }
  }
  return depth;
}

/**
 * The kNN readings of where memorization lives (Maini et al. 2023): the permuted labels unreadable at
 * the peak, readable late in the last hidden layers; the true labels of the permuted examples fading
 * there and staying in the first hidden layers.
 */
function knnClaims(g: {
  th: ProbeThresholds;
  chance: number;
  peakEpoch: number;
  lastEpoch: number;
  groups: ReturnType<typeof probedLayers>;
  acc: Accuracy;
}): Claim[] {
  const { th, chance, peakEpoch, lastEpoch, acc } = g;
  const { layers, output, firstLayers, lastLayers } = g.groups;
  const listAt = (epoch: number, manifold: string, ls: string[]) => ls.map((l) => `${l} ${f3(acc(epoch, l, manifold))}`).join(', ');
  const change = (manifold: string, ls: string[]) =>
    ls.map((l) => `${l} ${f3(acc(peakEpoch, l, manifold))} → ${f3(acc(lastEpoch, l, manifold))}`).join('; ');
  const span = `from the test peak (epoch ${peakEpoch}) to the last epoch (${lastEpoch})`;
  return [
    {
      id: 'permuted_knn_chance_at_peak',
      text: `At the test peak (epoch ${peakEpoch}) the kNN probe does not read the permuted labels in any layer: accuracy ≤ chance + ${th.nearChance} = ${f3(chance + th.nearChance)}`,
      held: layers.every((l) => acc(peakEpoch, l, 'permuted') <= chance + th.nearChance),
      evidence: listAt(peakEpoch, 'permuted', layers),
    },
    {
      id: 'permuted_knn_rises_last_layers',
      text: `${span}, permuted-label kNN accuracy in the last hidden layer(s) ${lastLayers.join(', ')} rises by ≥ ${th.rise}`,
      held: lastLayers.length > 0 && lastLayers.every((l) => acc(lastEpoch, l, 'permuted') - acc(peakEpoch, l, 'permuted') >= th.rise),
      evidence: change('permuted', lastLayers) + (output ? `; ${output} (not hidden): ${change('permuted', [output])}` : ''),
    },
    {
      id: 'restored_knn_falls_last_layers',
      text: `${span}, the true-label (restored) kNN accuracy of the permuted examples in the last hidden layer(s) ${lastLayers.join(', ')} falls by ≥ ${th.fall}`,
      held: lastLayers.length > 0 && lastLayers.every((l) => acc(peakEpoch, l, 'restored') - acc(lastEpoch, l, 'restored') >= th.fall),
      evidence: change('restored', lastLayers),
    },
    {
      id: 'restored_knn_high_first_layers',
      text: `${span}, restored kNN accuracy in the first hidden layer(s) ${firstLayers.join(', ')} stays high (falls by ≤ ${th.stayHigh})`,
      held:
        firstLayers.length > 0 && firstLayers.every((l) => acc(peakEpoch, l, 'restored') - acc(lastEpoch, l, 'restored') <= th.stayHigh),
      evidence: change('restored', firstLayers),
    },
  ];
}

/** Permuted examples have a larger prediction depth than unpermuted ones at the last epoch (Baldock et al. 2021). */
function depthClaim(depth: ProbeFindings['depth'], th: ProbeThresholds, peakEpoch: number, lastEpoch: number): Claim {
  const d = (epoch: number, group: string) => depth.find((x) => x.epoch === epoch && x.group === group);
  const du = d(lastEpoch, 'unpermuted');
  const dp = d(lastEpoch, 'permuted');
  const dpu = d(peakEpoch, 'unpermuted');
  const dpp = d(peakEpoch, 'permuted');
  return {
    id: 'permuted_deeper',
    text: `At the last epoch (${lastEpoch}) permuted examples have a larger prediction depth than unpermuted ones (mean ≥ ${th.depthGap} analysis point deeper)`,
    held: du && dp ? dp.mean - du.mean >= th.depthGap : false,
    evidence:
      du && dp
        ? `mean (median) depth: unpermuted ${du.mean.toFixed(2)} (${du.median}), permuted ${dp.mean.toFixed(2)} (${dp.median}); at the peak (epoch ${peakEpoch}): unpermuted ${dpu ? dpu.mean.toFixed(2) : 'n/a'}, permuted ${dpp ? dpp.mean.toFixed(2) : 'n/a'}`
        : 'no prediction depth rows',
  };
}

/**
 * The findings as a table (the report's numbers): per layer the kNN accuracy of the three manifold
 * types and the linear probe's on the permuted and restored labels, test peak → last probed epoch.
 */
export function probeFindingsTable(f: ProbeFindings): TextTable {
  const at = (layer: string, probe: string, manifold: string) =>
    f.table.find((t) => t.layer === layer && t.probe === probe && t.manifold === manifold)!;
  return {
    columns: [
      'layer',
      `kNN unpermuted @${f.peakEpoch} → @${f.lastEpoch}`,
      'kNN permuted',
      'kNN restored',
      'linear permuted',
      'linear restored',
    ],
    rows: f.layers.map((l) => [
      l,
      ...(
        [
          ['knn', 'unpermuted'],
          ['knn', 'permuted'],
          ['knn', 'restored'],
          ['linear', 'permuted'],
          ['linear', 'restored'],
        ] as const
      ).map(([p, m]) => `${f3(at(l, p, m).peak)} → ${f3(at(l, p, m).last)}`),
    ]),
  };
}

/** The findings as Markdown: the claims with their verdicts and evidence, then the notes. */
export function probeFindingsMarkdown(f: ProbeFindings): string {
  return claimsMarkdown(f.claims, f.notes);
}
