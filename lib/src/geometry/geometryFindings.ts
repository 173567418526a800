import { InputError } from '../errors';
import type { Row } from '../tables/csv';
import type { TextTable } from '../tables/markdownTable';
import { trainingSummary, type TrainingSummary } from './trainingSummary';

/**
 * Thresholds of the verdicts in `geometryFindings`. They were fixed from the wording of the claims
 * (docs/paper.md §1–2), not from any result, and are the same for every preset:
 * - memorization: permuted examples fitted (train accuracy on their permuted labels ≥ 0.9) and test
 *   accuracy ≥ 5 points below its peak at the last epoch;
 * - "near the unstructured level": capacity ≤ 1.5 × 2/M;
 * - "grows with depth": last hidden layer ≥ 1.2 × input, and Spearman ρ(layer index, capacity) ≥ 0.5
 *   over input … last hidden layer;
 * - "rises clearly": ratio last/peak ≥ 1.25; "falls": ratio ≤ 0.9 (capacity) or ≤ 0.95 (radius,
 *   dimension); both also need the change to exceed 2 × the combined seed std of the two values;
 * - "changes little": |ratio − 1| ≤ 0.15.
 */
export const FINDING_THRESHOLDS = {
  permutedTrainAccuracy: 0.9,
  testDrop: 0.05,
  nearUnstructured: 1.5,
  growthRatio: 1.2,
  growthSpearman: 0.5,
  rise: 1.25,
  capacityFall: 0.9,
  geometryFall: 0.95,
  little: 0.15,
  sigmas: 2,
};

export type FindingThresholds = typeof FINDING_THRESHOLDS;

export interface Claim {
  id: string;
  /** The claim in words (docs/paper.md §1–2). */
  text: string;
  held: boolean;
  /** The numbers behind the verdict. */
  evidence: string;
}

/** One geometry measure of one manifold type at one layer, at the peak and at the last analysed epoch. */
export interface GeometryChange {
  layer: string;
  layerIndex: number;
  manifold: string;
  metric: 'capacity' | 'radius' | 'dimension';
  peak: number;
  last: number;
  peakStd: number;
  lastStd: number;
  /** last / peak. */
  ratio: number;
  /** |last − peak| / sqrt(peakStd² + lastStd²) (Infinity when both std are 0). */
  sigmas: number;
}

export interface GeometryFindings {
  training: TrainingSummary;
  /** Test-accuracy peak (the early-stopping epoch) and the last epoch of metrics.csv. */
  peak: { epoch: number; testAccuracy: number };
  last: {
    epoch: number;
    testAccuracy: number;
    permutedTrainAccuracy: number;
    unpermutedTrainAccuracy: number;
    restoredTrainAccuracy: number;
  };
  /** Peak minus final test accuracy (0.05 = 5 points). */
  testDrop: number;
  /** Analysed epochs used as "peak" and "last" (the peak itself if it was analysed, else the nearest analysed epoch). */
  peakAnalysisEpoch: number;
  lastAnalysisEpoch: number;
  /** A few analysed epochs to plot against layer: the first, the peak, one midway to the last, the last. */
  keyEpochs: number[];
  M: number;
  P: number;
  /** 2/M: the capacity of unstructured point clouds of M points (docs/paper.md §3.5). */
  unstructured: number;
  layers: string[];
  hiddenLayers: string[];
  firstLayers: string[];
  lastLayers: string[];
  /** Capacity (mean ± std over seeds) per layer and type at the peak epoch, and permuted / (2/M). */
  atPeak: {
    layer: string;
    layerIndex: number;
    unpermuted: number;
    permuted: number;
    restored: number;
    unpermutedStd: number;
    permutedStd: number;
    restoredStd: number;
    permutedOverUnstructured: number;
  }[];
  /** Every (layer, type, measure) from the peak to the last analysed epoch. */
  changes: GeometryChange[];
  claims: Claim[];
  thresholds: FindingThresholds;
  notes: string[];
}

export interface GeometryFindingsOptions {
  /** Hidden layers counted as "first" / "last" (default: the first and last quarter of the hidden layers, at least one each). */
  firstLayers?: string[];
  lastLayers?: string[];
  thresholds?: Partial<FindingThresholds>;
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v));

/** Spearman rank correlation (average ranks for ties). */
export function spearman(x: number[], y: number[]): number {
  const rank = (v: number[]) => {
    const idx = v.map((_, i) => i).sort((a, b) => v[a] - v[b]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
      for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(x);
  const ry = rank(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(0)}%`;

/**
 * The numbers behind the paper's geometry claims (docs/paper.md §2, Fig. 1C) from a
 * geometry table (one analysis setting) and the run's metrics.csv, each claim with a verdict computed
 * from the data with the fixed FINDING_THRESHOLDS. The logits layer (fewer features than M, which
 * inflates its capacity; docs/small-scale.md) is reported in `atPeak`/`changes` but not counted as a hidden
 * layer. Used by notebook 02 and the report.
 *
 * @example
 * const f = geometryFindings(exp.table('geometry'), exp.table('metrics'));
 * f.claims.map((c) => `${c.held ? 'held' : 'NOT held'}: ${c.text} (${c.evidence})`);
 */
export function geometryFindings(geometry: Row[], metrics: Row[], options: GeometryFindingsOptions = {}): GeometryFindings {
  const th = { ...FINDING_THRESHOLDS, ...options.thresholds };
  checkOneSetting(geometry);
  const notes: string[] = [];

  const training = trainingSummary(metrics);
  const peak = { epoch: training.peak.epoch, testAccuracy: training.peak.test };
  const last = {
    epoch: training.last.epoch,
    testAccuracy: training.last.test,
    permutedTrainAccuracy: training.last.permuted,
    unpermutedTrainAccuracy: training.last.unpermuted,
    restoredTrainAccuracy: training.last.restored,
  };
  const testDrop = training.testDrop;

  const epochs = analysedEpochs(geometry, peak.epoch, training.last.epoch, notes);
  const groups = layerGroups(geometry, options);
  const M = num(geometry[0].M);
  const P = num(geometry[0].P);
  const unstructured = 2 / M;
  const atPeak = capacityAtPeak(geometry, groups, epochs.peak, unstructured);
  const changes = changesPeakToLast(geometry, groups, epochs.peak, epochs.last);

  const g: ClaimInputs = { geometry, th, epochs, groups, unstructured, atPeak, changes };
  const claims: Claim[] = [
    memorizationClaim(th, peak, last, testDrop),
    permutedUnstructuredClaim(g),
    ...growsWithDepthClaims(g),
    ...lastLayerChangeClaims(g),
  ];
  notes.push(...tableNotes(geometry));
  return {
    training,
    peak,
    last,
    testDrop,
    peakAnalysisEpoch: epochs.peak,
    lastAnalysisEpoch: epochs.last,
    keyEpochs: epochs.key,
    M,
    P,
    unstructured,
    layers: groups.layers,
    hiddenLayers: groups.hiddenLayers,
    firstLayers: groups.firstLayers,
    lastLayers: groups.lastLayers,
    atPeak,
    changes,
    claims,
    thresholds: th,
    notes,
  };
}

/** A geometry table of one analysis setting: one row per (epoch, layer, manifold type). */
function checkOneSetting(geometry: Row[]): void {
  if (geometry.length === 0) throw new InputError('geometryFindings: the geometry table is empty');
  const seen = new Set<string>();
  for (const r of geometry) {
    const k = `${r.epoch}|${r.layer}|${r.manifold}`;
    if (seen.has(k))
      throw new InputError(
        `geometryFindings: epoch ${r.epoch}, ${r.layer}, ${r.manifold} appears twice (rows of several analysis settings? filter them first)`,
      );
    seen.add(k);
  }
}

/** The analysed epochs, the two compared (the test peak, or the nearest analysed epoch; the last) and the few to plot. */
interface AnalysedEpochs {
  all: number[];
  peak: number;
  last: number;
  key: number[];
}

/**
 * The epochs the claims compare (docs/paper.md §2, Fig. 2: the test-accuracy peak, the early-stopping
 * epoch, against the end of training), taken among the analysed ones; a note where either differs from
 * the trained epoch it stands for.
 */
function analysedEpochs(geometry: Row[], peakEpoch: number, lastEpoch: number, notes: string[]): AnalysedEpochs {
  const all = [...new Set(geometry.map((r) => num(r.epoch)))].sort((a, b) => a - b);
  const peak = all.reduce((b, e) => (Math.abs(e - peakEpoch) < Math.abs(b - peakEpoch) ? e : b), all[0]);
  if (peak !== peakEpoch) notes.push(`the test peak (epoch ${peakEpoch}) was not analysed; epoch ${peak} stands in for it`);
  const last = all[all.length - 1];
  if (last !== lastEpoch) notes.push(`the last analysed epoch is ${last}, not the last trained epoch ${lastEpoch}`);
  const nearest = (t: number) => all.reduce((b, e) => (Math.abs(e - t) < Math.abs(b - t) ? e : b), all[0]);
  const key = [...new Set([all[0], peak, nearest((peak + last) / 2), last])].sort((a, b) => a - b);
  return { all, peak, last, key };
}

/** The layers in forward order and the groups the claims name. */
interface LayerGroups {
  layerIndex: Map<string, number>;
  layers: string[];
  inputLayer: string | undefined;
  hiddenLayers: string[];
  firstLayers: string[];
  lastLayers: string[];
}

/**
 * The layers in forward order and the groups of the claims (docs/paper.md §1–2: "early" and "final"
 * layers): hidden layers exclude the input and the logits; first and last are a quarter of them each
 * (at least one) unless given.
 */
function layerGroups(geometry: Row[], options: GeometryFindingsOptions): LayerGroups {
  const layerIndex = new Map<string, number>();
  for (const r of geometry) layerIndex.set(String(r.layer), num(r.layer_index));
  const layers = [...layerIndex.keys()].sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!);
  const inputLayer = layers.find((l) => layerIndex.get(l) === 0);
  const hiddenLayers = layers.filter((l) => layerIndex.get(l)! > 0 && l !== 'logits');
  const q = Math.max(1, Math.round(hiddenLayers.length / 4));
  const firstLayers = options.firstLayers ?? hiddenLayers.slice(0, q);
  const lastLayers = options.lastLayers ?? hiddenLayers.slice(-q);
  for (const l of [...firstLayers, ...lastLayers])
    if (!layerIndex.has(l)) throw new InputError(`geometryFindings: layer '${l}' is not in the geometry table (${layers.join(', ')})`);
  return { layerIndex, layers, inputLayer, hiddenLayers, firstLayers, lastLayers };
}

const cell = (geometry: Row[], epoch: number, layer: string, manifold: string) =>
  geometry.find((r) => num(r.epoch) === epoch && r.layer === layer && r.manifold === manifold);
const val = (r: Row | undefined, m: string) => num(r?.[m]);
/** Seed-to-seed std of a measure, 0 where the table has none (one seed). */
const std = (r: Row | undefined, m: string) => {
  const s = num(r?.[`${m}_std`]);
  return Number.isFinite(s) ? s : 0;
};

/** Capacity of the three manifold types per layer at the peak, and the permuted one against 2/M (docs/paper.md §3.5). */
function capacityAtPeak(geometry: Row[], groups: LayerGroups, peakEpoch: number, unstructured: number): GeometryFindings['atPeak'] {
  return groups.layers.map((layer) => {
    const [u, p, r] = ['unpermuted', 'permuted', 'restored'].map((k) => cell(geometry, peakEpoch, layer, k));
    return {
      layer,
      layerIndex: groups.layerIndex.get(layer)!,
      unpermuted: val(u, 'capacity'),
      permuted: val(p, 'capacity'),
      restored: val(r, 'capacity'),
      unpermutedStd: std(u, 'capacity'),
      permutedStd: std(p, 'capacity'),
      restoredStd: std(r, 'capacity'),
      permutedOverUnstructured: val(p, 'capacity') / unstructured,
    };
  });
}

/** Every (layer, manifold type, measure) from the peak to the last analysed epoch: ratio and change in seed σ (docs/paper.md §2, Fig. 2). */
function changesPeakToLast(geometry: Row[], groups: LayerGroups, peakEpoch: number, lastEpoch: number): GeometryChange[] {
  const changes: GeometryChange[] = [];
  for (const layer of groups.layers) {
    for (const manifold of ['unpermuted', 'permuted', 'restored']) {
      const a = cell(geometry, peakEpoch, layer, manifold);
      const b = cell(geometry, lastEpoch, layer, manifold);
      if (!a || !b) continue;
      for (const metric of ['capacity', 'radius', 'dimension'] as const) {
        const pa = val(a, metric);
        const pb = val(b, metric);
        const sa = std(a, metric);
        const sb = std(b, metric);
        const s = Math.sqrt(sa * sa + sb * sb);
        changes.push({
          layer,
          layerIndex: groups.layerIndex.get(layer)!,
          manifold,
          metric,
          peak: pa,
          last: pb,
          peakStd: sa,
          lastStd: sb,
          ratio: pb / pa,
          sigmas: s > 0 ? Math.abs(pb - pa) / s : pb === pa ? 0 : Infinity,
        });
      }
    }
  }
  return changes;
}

/** What the geometry claims read. */
interface ClaimInputs {
  geometry: Row[];
  th: FindingThresholds;
  epochs: AnalysedEpochs;
  groups: LayerGroups;
  unstructured: number;
  atPeak: GeometryFindings['atPeak'];
  changes: GeometryChange[];
}

const changeOf = (g: ClaimInputs, layer: string, manifold: string, metric: GeometryChange['metric']) =>
  g.changes.find((c) => c.layer === layer && c.manifold === manifold && c.metric === metric);
const describe = (c: GeometryChange | undefined) =>
  c ? `${c.layer} ${f3(c.peak)} → ${f3(c.last)} (${pct(c.ratio)}, ${Number.isFinite(c.sigmas) ? c.sigmas.toFixed(1) : '∞'}σ)` : 'missing';
/** The input and hidden layers: the layers the claims count (the logits have fewer features than M). */
const structuredLayers = (g: ClaimInputs) => [g.groups.inputLayer, ...g.groups.hiddenLayers].filter((l): l is string => l !== undefined);
const peakOf = (g: ClaimInputs, l: string) => g.atPeak.find((x) => x.layer === l)!;

/** Memorization happened (docs/paper.md §1): permuted examples fitted, test accuracy fallen from its peak. */
function memorizationClaim(th: FindingThresholds, peak: GeometryFindings['peak'], last: GeometryFindings['last'], testDrop: number): Claim {
  return {
    id: 'memorization',
    text: `Memorization happened: final train accuracy on permuted examples ≥ ${th.permutedTrainAccuracy} and test accuracy ≥ ${th.testDrop * 100} points below its peak`,
    held: last.permutedTrainAccuracy >= th.permutedTrainAccuracy && testDrop >= th.testDrop,
    evidence: `permuted train accuracy ${f3(last.permutedTrainAccuracy)} at epoch ${last.epoch}; test ${f3(peak.testAccuracy)} at the peak (epoch ${peak.epoch}) → ${f3(last.testAccuracy)} (−${(testDrop * 100).toFixed(1)} points)`,
  };
}

/** While the network generalizes, permuted manifolds stay near the unstructured capacity 2/M in every layer (docs/paper.md §2, Fig. 2; §3.5). */
function permutedUnstructuredClaim(g: ClaimInputs): Claim {
  const { th, epochs, unstructured } = g;
  const layers = g.groups.layers;
  const structured = structuredLayers(g);
  const nearAll = structured.every((l) => peakOf(g, l).permuted <= th.nearUnstructured * unstructured);
  return {
    id: 'permuted_unstructured_at_peak',
    text: `At the test peak (epoch ${epochs.peak}) permuted-manifold capacity stays near the unstructured level 2/M = ${f3(unstructured)} (≤ ${th.nearUnstructured}×) in every layer (input and hidden)`,
    held: nearAll,
    evidence:
      structured.map((l) => `${l} ${f3(peakOf(g, l).permuted)} (${peakOf(g, l).permutedOverUnstructured.toFixed(2)}×)`).join(', ') +
      (layers.includes('logits') ? `; logits (not counted, N < M) ${f3(peakOf(g, 'logits').permuted)}` : '') +
      // Where a layer is above the level, its value at the first analysed epoch says whether it started there.
      (epochs.all[0] !== epochs.peak && !nearAll
        ? `; at epoch ${epochs.all[0]}: ${structured
            .filter((l) => peakOf(g, l).permuted > th.nearUnstructured * unstructured)
            .map((l) => `${l} ${f3(val(cell(g.geometry, epochs.all[0], l, 'permuted'), 'capacity'))}`)
            .join(', ')}`
        : ''),
  };
}

/** At the peak, unpermuted and restored capacity grow with depth (docs/paper.md §2, Fig. 2). */
function growsWithDepthClaims(g: ClaimInputs): Claim[] {
  const { th } = g;
  const structured = structuredLayers(g);
  return (['unpermuted', 'restored'] as const).map((kind) => {
    const xs = structured.map((l) => g.groups.layerIndex.get(l)!);
    const ys = structured.map((l) => peakOf(g, l)[kind]);
    const first = ys[0];
    const lastV = ys[ys.length - 1];
    const rho = structured.length >= 3 ? spearman(xs, ys) : NaN;
    return {
      id: `${kind}_grows_with_depth_at_peak`,
      text: `At the test peak ${kind} capacity grows with depth (last hidden ≥ ${th.growthRatio}× input, Spearman ρ ≥ ${th.growthSpearman})`,
      held: lastV / first >= th.growthRatio && rho >= th.growthSpearman,
      evidence: `${structured.map((l) => `${l} ${f3(peakOf(g, l)[kind])}`).join(', ')}; last hidden / input = ${(lastV / first).toFixed(2)}, ρ = ${f3(rho)}`,
    };
  });
}

/**
 * From the peak to the last epoch (docs/paper.md §2, Figs. 2–3): permuted capacity rises clearly in
 * the last hidden layers and changes little in the first; restored capacity, permuted radius and
 * dimension fall in the last.
 */
function lastLayerChangeClaims(g: ClaimInputs): Claim[] {
  const { th, epochs } = g;
  const { layers, firstLayers, lastLayers } = g.groups;
  const clearlyRises = (c: GeometryChange | undefined) => !!c && c.ratio >= th.rise && c.sigmas >= th.sigmas;
  const falls = (c: GeometryChange | undefined, limit: number) => !!c && c.ratio <= limit && c.sigmas >= th.sigmas;
  const span = `from the peak (epoch ${epochs.peak}) to the last epoch (${epochs.last})`;
  const claims: Claim[] = [];
  claims.push({
    id: 'permuted_capacity_rises_last_layers',
    text: `${span}, permuted capacity in the last hidden layer(s) ${lastLayers.join(', ')} rises clearly (≥ ${th.rise}×, ≥ ${th.sigmas}σ)`,
    held: lastLayers.every((l) => clearlyRises(changeOf(g, l, 'permuted', 'capacity'))),
    evidence:
      lastLayers.map((l) => describe(changeOf(g, l, 'permuted', 'capacity'))).join('; ') +
      (layers.includes('logits') ? `; logits (not counted): ${describe(changeOf(g, 'logits', 'permuted', 'capacity'))}` : ''),
  });
  claims.push({
    id: 'permuted_capacity_little_first_layers',
    text: `${span}, permuted capacity in the first hidden layer(s) ${firstLayers.join(', ')} changes little (within ±${th.little * 100}%)`,
    held: firstLayers.every((l) => {
      const c = changeOf(g, l, 'permuted', 'capacity');
      return !!c && Math.abs(c.ratio - 1) <= th.little;
    }),
    evidence: firstLayers.map((l) => describe(changeOf(g, l, 'permuted', 'capacity'))).join('; '),
  });
  claims.push({
    id: 'restored_capacity_falls_last_layers',
    text: `${span}, restored capacity in the last hidden layer(s) ${lastLayers.join(', ')} falls (≤ ${th.capacityFall}×, ≥ ${th.sigmas}σ)`,
    held: lastLayers.every((l) => falls(changeOf(g, l, 'restored', 'capacity'), th.capacityFall)),
    evidence: lastLayers.map((l) => describe(changeOf(g, l, 'restored', 'capacity'))).join('; '),
  });
  for (const metric of ['radius', 'dimension'] as const) {
    claims.push({
      id: `permuted_${metric}_falls_last_layers`,
      text: `${span}, permuted ${metric} in the last hidden layer(s) ${lastLayers.join(', ')} falls (≤ ${th.geometryFall}×, ≥ ${th.sigmas}σ)`,
      held: lastLayers.every((l) => falls(changeOf(g, l, 'permuted', metric), th.geometryFall)),
      evidence: lastLayers.map((l) => describe(changeOf(g, l, 'permuted', metric))).join('; '),
    });
  }
  return claims;
}

/** Notes on the table itself: cells with degenerate manifolds left out (docs/mftma.md §11), cells that failed. */
function tableNotes(geometry: Row[]): string[] {
  const notes: string[] = [];
  const degenerate = geometry.filter((r) => num(r.n_degenerate) > 0);
  if (degenerate.length > 0)
    notes.push(
      `${degenerate.length} of ${geometry.length} cells had manifolds flagged degenerate by stable mode and left out of their aggregates (column n_degenerate)`,
    );
  const failed = geometry.filter((r) => typeof r.note === 'string' && r.note !== '');
  if (failed.length > 0)
    notes.push(
      `${failed.length} cells failed (column note), e.g. epoch ${failed[0].epoch} ${failed[0].layer} ${failed[0].manifold}: ${failed[0].note}`,
    );
  return notes;
}

/**
 * The findings as a table (the report's numbers): per layer the capacity of the three manifold types
 * at the test peak, the permuted one against 2/M, and the permuted and restored capacity at the last
 * analysed epoch.
 */
export function geometryFindingsTable(f: GeometryFindings): TextTable {
  const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
  return {
    columns: [
      'layer',
      `unpermuted @${f.peakAnalysisEpoch}`,
      `restored @${f.peakAnalysisEpoch}`,
      `permuted @${f.peakAnalysisEpoch}`,
      'permuted / (2/M)',
      `permuted @${f.lastAnalysisEpoch}`,
      `restored @${f.lastAnalysisEpoch}`,
    ],
    rows: f.atPeak.map((a) => {
      const last = (kind: string) =>
        f.changes.find((c) => c.layer === a.layer && c.manifold === kind && c.metric === 'capacity')?.last ?? NaN;
      return [
        a.layer,
        f3(a.unpermuted),
        f3(a.restored),
        f3(a.permuted),
        a.permutedOverUnstructured.toFixed(2),
        f3(last('permuted')),
        f3(last('restored')),
      ];
    }),
  };
}

/** The findings as Markdown: the claims with their verdicts and evidence, then the notes (notebook 02, report). */
export function geometryFindingsMarkdown(f: GeometryFindings): string {
  return claimsMarkdown(f.claims, f.notes);
}

/** Claims with their verdicts and evidence, then notes, as a Markdown list (the geometry and probe findings). */
export function claimsMarkdown(claims: Claim[], notes: string[]): string {
  const lines = claims.map((c) => `- **${c.held ? 'held' : 'NOT held'}** — ${c.text}.  \n  ${c.evidence}`);
  if (notes.length) lines.push('', ...notes.map((n) => `- note: ${n}`));
  return lines.join('\n');
}
