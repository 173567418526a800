import type { Row } from '../tables/csv';
import { markdownTable, type TextTable } from '../tables/markdownTable';
import { gradientScalingSlopes } from './gradientScaling';
import { GRADIENT_PARTS, partOf, type GradientPart } from './parts';

export interface GradientFindingsOptions {
  /** The permuted contribution counts as "clearly smaller" when ratio < this (default 0.5). */
  clearlySmaller?: number;
  /** Slopes count as "close" to 1 and 1/2 within ± this (default 0.15). */
  slopeTolerance?: number;
  /** The ratio "grows" when ratio(fitted) ≥ this × the earlier ratio (default 2). */
  growthFactor?: number;
  /** The unpermuted examples count as fitted at the first analysed epoch whose train_unpermuted accuracy ≥ this (default 0.9). */
  fittedAccuracy?: number;
}

/** The measurements of one layer at one epoch. */
export interface LayerAtEpoch {
  /** ‖c_permuted‖ / ‖c_unpermuted‖: the permuted group's contribution to the full-batch gradient relative to the unpermuted group's. */
  ratio: number;
  /** cos(g_unpermuted, g_permuted) (NaN for `all`). */
  cosine: number;
  /** Fitted log–log slopes of the scaling check (NaN where it was not measured, and for `all`). */
  slopeUnpermuted: number;
  slopePermuted: number;
}

/** Per layer (and `all`: every layer's parameters together), the contribution ratio over training. */
export interface LayerFindings {
  layer: string;
  layerIndex: number;
  init: LayerAtEpoch;
  /** At the first analysed epoch after initialization (null if there is none). */
  early: LayerAtEpoch | null;
  fitted: LayerAtEpoch;
  last: LayerAtEpoch;
  ratioMax: number;
  epochMax: number;
  /** First analysed epoch where the permuted contribution is the larger (ratio > 1); null if never. */
  firstDominantEpoch: number | null;
}

/** A yes/no answer per claim, at one epoch; null where the needed rows are missing. */
export interface EpochVerdicts {
  epoch: number;
  /** ratio < clearlySmaller in every layer. */
  permutedSmallerEveryLayer: boolean;
  /** |slope − 1| ≤ tolerance for the unpermuted group in every layer. */
  unpermutedSlopeNear1: boolean | null;
  /** |slope − 1/2| ≤ tolerance for the permuted group in every layer. */
  permutedSlopeNearHalf: boolean | null;
  /** ratio(fitted epoch) ≥ growthFactor × ratio(this epoch) in every layer. */
  ratioGrowsByFitted: boolean | null;
}

/** The claims on one part of the gradients (`GradientPart`): per layer and the verdicts. */
export interface PartFindings {
  part: GradientPart;
  layers: LayerFindings[];
  /** The claims of docs/paper.md §6 checked at initialization, and again after the first analysed epoch. */
  verdicts: { init: EpochVerdicts; early: EpochVerdicts | null };
}

export interface GradientFindings {
  initEpoch: number;
  /** First analysed epoch after initialization (null if none). */
  earlyEpoch: number | null;
  /** First analysed epoch with train_unpermuted accuracy ≥ fittedAccuracy (the last epoch without metrics, or if never). */
  fittedEpoch: number;
  lastEpoch: number;
  /** train_unpermuted accuracy at the early and fitted epochs (NaN without metrics). */
  accuracyEarly: number;
  accuracyFitted: number;
  /** Of the total gradient (`parts.total.layers`). */
  layers: LayerFindings[];
  /** Epoch, layer, group, part, slope, … at every scaling epoch (`gradientScalingSlopes`). */
  slopes: Row[];
  /** The claims on the total gradient (`parts.total.verdicts`). */
  verdicts: { init: EpochVerdicts; early: EpochVerdicts | null };
  /**
   * The same claims, with the same thresholds, on every part present in the tables: `total` (as
   * above), and for tables with the split `label_independent` and `label_dependent`.
   */
  parts: Partial<Record<GradientPart, PartFindings>>;
  /** The reference distribution ū of the split, as recorded in the tables (null without a split). */
  reference: string | null;
  options: Required<GradientFindingsOptions>;
}

/**
 * What the gradient tables say about the paper's argument (docs/paper.md §6), with verdicts computed
 * from the data against stated thresholds: near initialization the permuted group's contribution to
 * the full-batch gradient is small (ratio ‖c_p‖/‖c_u‖ ≪ 1), because its per-example gradients add
 * incoherently (log–log slope ≈ 1/2) while the unpermuted ones add coherently (slope ≈ 1); the ratio
 * grows once the unpermuted examples are fitted. The claims are checked at initialization (the first
 * analysed epoch) and at the next analysed epoch, on the total gradient and, with the same
 * thresholds (fixed before looking at any run), on each of its parts (`GradientPart`): the argument
 * is about the label-dependent part J_iᵀ(ū − y_i), the total also holds the label-independent part
 * J_iᵀ(p_i − ū), which is coherent for every example whatever its label. Layer `all` is the whole
 * network (norms combined over layers: ‖c‖² = Σ_layers ‖c_layer‖²). `metrics` (metrics.csv rows)
 * locates the fitted epoch. Tables written before the split (no `part` column) are all `total`.
 */
export function gradientFindings(
  gradients: Row[],
  scaling: Row[] = [],
  metrics: Row[] = [],
  options: GradientFindingsOptions = {},
): GradientFindings {
  const opts: Required<GradientFindingsOptions> = {
    clearlySmaller: 0.5,
    slopeTolerance: 0.15,
    growthFactor: 2,
    fittedAccuracy: 0.9,
    ...options,
  };
  if (gradients.length === 0) throw new Error('gradientFindings: the gradients table is empty');
  const epochs = keyEpochs(gradients, metrics, opts.fittedAccuracy);
  const layerOrder = new Map<string, number>();
  for (const r of gradients) layerOrder.set(String(r.layer), Number(r.layer_index));
  const slopes = scaling.length ? gradientScalingSlopes(scaling) : [];

  const inputs: PartInputs = { gradients, slopes, epochs, layerOrder, opts };
  const present = new Set(gradients.map(partOf));
  const parts: Partial<Record<GradientPart, PartFindings>> = {};
  for (const part of GRADIENT_PARTS) if (present.has(part)) parts[part] = partFindings(part, inputs);
  const total = parts.total ?? partFindings('total', inputs);
  const reference = gradients.find((r) => partOf(r) !== 'total' && r.reference)?.reference;
  const { initEpoch, earlyEpoch, fittedEpoch, lastEpoch, accuracy } = epochs;
  return {
    initEpoch,
    earlyEpoch,
    fittedEpoch,
    lastEpoch,
    accuracyEarly: earlyEpoch === null ? NaN : (accuracy.get(earlyEpoch) ?? NaN),
    accuracyFitted: accuracy.get(fittedEpoch) ?? NaN,
    layers: total.layers,
    slopes,
    verdicts: total.verdicts,
    parts,
    reference: reference === undefined || reference === null ? null : String(reference),
    options: opts,
  };
}

/** The analysed epochs the claims of docs/paper.md §6 compare, and train_unpermuted accuracy by epoch. */
interface KeyEpochs {
  all: number[];
  initEpoch: number;
  earlyEpoch: number | null;
  fittedEpoch: number;
  lastEpoch: number;
  accuracy: Map<number, number>;
}

/**
 * The epochs of docs/paper.md §6: initialization (the first analysed epoch), the next one, the epoch
 * the unpermuted examples are fitted (first analysed epoch with train_unpermuted accuracy ≥
 * `fittedAccuracy`, else the last) and the last.
 */
function keyEpochs(gradients: Row[], metrics: Row[], fittedAccuracy: number): KeyEpochs {
  const all = [...new Set(gradients.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const lastEpoch = all[all.length - 1];
  const accuracy = new Map(metrics.filter((r) => r.split === 'train_unpermuted').map((r) => [Number(r.epoch), Number(r.accuracy)]));
  return {
    all,
    initEpoch: all[0],
    earlyEpoch: all.length > 1 ? all[1] : null,
    fittedEpoch: all.find((e) => (accuracy.get(e) ?? -Infinity) >= fittedAccuracy) ?? lastEpoch,
    lastEpoch,
    accuracy,
  };
}

/** What the findings of one part read. */
interface PartInputs {
  gradients: Row[];
  slopes: Row[];
  epochs: KeyEpochs;
  layerOrder: Map<string, number>;
  opts: Required<GradientFindingsOptions>;
}

/** The claims on one part of the gradients (docs/paper.md §6): per layer and `all`, then the verdicts at initialization and at the next epoch. */
function partFindings(part: GradientPart, inputs: PartInputs): PartFindings {
  const { epochs, layerOrder } = inputs;
  const at = measurementsOf(part, inputs);
  const layerNames = [...layerOrder.keys()].sort((a, b) => layerOrder.get(a)! - layerOrder.get(b)!);
  const layers: LayerFindings[] = [...layerNames, 'all'].map((layer) => {
    const rs = epochs.all.map((e) => at(e, layer).ratio);
    let k = 0;
    rs.forEach((v, i) => (v > rs[k] || !(rs[k] >= 0) ? (k = i) : 0));
    const dom = epochs.all.find((_, i) => rs[i] > 1);
    return {
      layer,
      layerIndex: layer === 'all' ? Math.max(...layerOrder.values()) + 1 : layerOrder.get(layer)!,
      init: at(epochs.initEpoch, layer),
      early: epochs.earlyEpoch === null ? null : at(epochs.earlyEpoch, layer),
      fitted: at(epochs.fittedEpoch, layer),
      last: at(epochs.lastEpoch, layer),
      ratioMax: rs[k],
      epochMax: epochs.all[k],
      firstDominantEpoch: dom ?? null,
    };
  });
  const perLayer = layers.filter((l) => l.layer !== 'all');
  return {
    part,
    layers,
    verdicts: {
      init: epochVerdicts(epochs.initEpoch, perLayer, (l) => l.init, epochs.fittedEpoch, inputs.opts),
      early:
        epochs.earlyEpoch === null ? null : epochVerdicts(epochs.earlyEpoch, perLayer, (l) => l.early!, epochs.fittedEpoch, inputs.opts),
    },
  };
}

/**
 * One part's measurements of a layer at an epoch (docs/paper.md §6): the ratio ‖c_permuted‖/‖c_unpermuted‖
 * (layer `all`: norms combined over layers, ‖c‖² = Σ_layers ‖c_layer‖²), the cosine of the two group
 * gradients and the fitted log–log slopes.
 */
function measurementsOf(part: GradientPart, inputs: PartInputs): (epoch: number, layer: string) => LayerAtEpoch {
  const cn = new Map<string, number>();
  const cos = new Map<string, number>();
  for (const r of inputs.gradients) {
    if (partOf(r) !== part) continue;
    cn.set(`${r.epoch}|${r.layer}|${r.group}`, Number(r.contribution_norm));
    cos.set(`${r.epoch}|${r.layer}`, Number(r.cosine));
    const k = `${r.epoch}|all|${r.group}`;
    cn.set(k, Math.hypot(cn.get(k) ?? 0, Number(r.contribution_norm)));
  }
  const ratio = (e: number, l: string) => (cn.get(`${e}|${l}|permuted`) ?? NaN) / (cn.get(`${e}|${l}|unpermuted`) ?? NaN);
  const slope = (e: number, l: string, g: string) =>
    Number(inputs.slopes.find((s) => s.epoch === e && s.layer === l && s.group === g && s.part === part)?.slope ?? NaN);
  return (e, layer) => ({
    ratio: ratio(e, layer),
    cosine: cos.get(`${e}|${layer}`) ?? NaN,
    slopeUnpermuted: slope(e, layer, 'unpermuted'),
    slopePermuted: slope(e, layer, 'permuted'),
  });
}

/** The yes/no answers of docs/paper.md §6 at one epoch, over every layer (`EpochVerdicts`). */
function epochVerdicts(
  epoch: number,
  perLayer: LayerFindings[],
  pick: (l: LayerFindings) => LayerAtEpoch,
  fittedEpoch: number,
  opts: Required<GradientFindingsOptions>,
): EpochVerdicts {
  const v = perLayer.map(pick);
  const haveSlopes = v.every((x) => Number.isFinite(x.slopeUnpermuted) && Number.isFinite(x.slopePermuted));
  return {
    epoch,
    permutedSmallerEveryLayer: v.every((x) => x.ratio < opts.clearlySmaller),
    unpermutedSlopeNear1: haveSlopes ? v.every((x) => Math.abs(x.slopeUnpermuted - 1) <= opts.slopeTolerance) : null,
    permutedSlopeNearHalf: haveSlopes ? v.every((x) => Math.abs(x.slopePermuted - 0.5) <= opts.slopeTolerance) : null,
    ratioGrowsByFitted: fittedEpoch > epoch ? perLayer.every((l) => l.fitted.ratio >= opts.growthFactor * pick(l).ratio) : null,
  };
}

const f = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const yesNo = (v: boolean | null) => (v === null ? 'not measured' : v ? 'yes' : 'NO');

/** How each part is named in the Markdown and the report. */
export const PART_LABELS: Record<GradientPart, string> = {
  total: 'total',
  label_independent: 'label-independent part',
  label_dependent: 'label-dependent part',
};

/** The parts whose claims are reported side by side: the total and, when measured, the label-dependent part. */
export function verdictParts(fd: GradientFindings): PartFindings[] {
  return (['total', 'label_dependent'] as const).map((p) => fd.parts[p]).filter((p): p is PartFindings => p !== undefined);
}

/**
 * The findings as Markdown: the claims at initialization and after the first epoch, on the total
 * and on the label-dependent part side by side (same thresholds); a per-layer table for each part;
 * and the slopes of each part at every scaling epoch.
 */
export function gradientFindingsMarkdown(fd: GradientFindings): string {
  const lines: string[] = [];
  if (fd.parts.label_dependent) lines.push(partsIntro(fd), '');
  lines.push(markdownTable(verdictTable(fd)), '', fittedEpochSentence(fd));
  for (const part of GRADIENT_PARTS) {
    const pf = fd.parts[part];
    if (!pf) continue;
    lines.push('', `Per layer, ${PART_LABELS[part]} (ratio = ‖c_permuted‖ / ‖c_unpermuted‖):`, '', markdownTable(perLayerTable(fd, pf)));
  }
  const slopes = slopeTable(fd);
  if (slopes) lines.push('', 'Fitted log–log slopes of ‖Σ gradients‖ against n, unpermuted / permuted:', '', markdownTable(slopes));
  return lines.join('\n');
}

/** What the total and its two parts are (docs/paper.md §6), for tables with the split. */
function partsIntro(fd: GradientFindings): string {
  return `Total: the gradient of the loss, as trained on. Label-dependent part: Σ_i J_iᵀ(ū − y_i) with ū ${fd.reference === 'class_frequencies' ? 'the class frequencies of the training labels' : 'uniform over the classes'}, the only part that carries the labels (the paper's argument is about it). Label-independent part: Σ_i J_iᵀ(p_i − ū), the same kind of vector for every example whatever its label. The parts add up to the total.`;
}

/** The claims of docs/paper.md §6 at initialization and after the first analysed epoch, one column per reported part. */
function verdictTable(fd: GradientFindings): TextTable {
  const o = fd.options;
  const shown = verdictParts(fd);
  const accText = (v: number) => (Number.isFinite(v) ? `, unpermuted train accuracy ${f(v)}` : '');
  const claims: [string, (v: EpochVerdicts) => boolean | null][] = [
    [`permuted contribution clearly smaller (ratio < ${o.clearlySmaller}) in every layer`, (v) => v.permutedSmallerEveryLayer],
    [`unpermuted slope within ±${o.slopeTolerance} of 1 in every layer`, (v) => v.unpermutedSlopeNear1],
    [`permuted slope within ±${o.slopeTolerance} of 0.5 in every layer`, (v) => v.permutedSlopeNearHalf],
    [`ratio grows ≥ ×${o.growthFactor} by the fitted epoch ${fd.fittedEpoch} in every layer`, (v) => v.ratioGrowsByFitted],
  ];
  const when: [string, (p: PartFindings) => EpochVerdicts | null][] = [
    ['at initialization', (p) => p.verdicts.init],
    [`after the first analysed epoch${accText(fd.accuracyEarly)}`, (p) => p.verdicts.early],
  ];
  const rows: string[][] = [];
  for (const [label, pick] of when) {
    const first = pick(shown[0]);
    if (!first) continue;
    for (const [claim, get] of claims)
      rows.push([`${label}: ${claim}`, String(first.epoch), ...shown.map((p) => `**${yesNo(get(pick(p)!))}**`)]);
  }
  return {
    columns: ['claim (thresholds fixed in advance, the same for every part)', 'epoch', ...shown.map((p) => PART_LABELS[p.part])],
    rows,
  };
}

/** Which epoch counts as fitted, and why. */
function fittedEpochSentence(fd: GradientFindings): string {
  const o = fd.options;
  const reached = fd.accuracyFitted >= o.fittedAccuracy;
  return `Fitted epoch: ${fd.fittedEpoch} (${reached ? `first analysed epoch with unpermuted train accuracy ≥ ${o.fittedAccuracy}: ${f(fd.accuracyFitted, 3)}` : `unpermuted train accuracy never reached ${o.fittedAccuracy}${Number.isFinite(fd.accuracyFitted) ? ` (${f(fd.accuracyFitted, 3)} at the end)` : ' (no metrics)'}: the last analysed epoch`}).`;
}

/** One part per layer: the ratio at the key epochs, its maximum, when it first exceeds 1, the cosines and slopes. */
function perLayerTable(fd: GradientFindings, pf: PartFindings): TextTable {
  const e1 = fd.earlyEpoch;
  const columns = [
    'layer',
    `ratio @${fd.initEpoch}`,
    ...(e1 !== null ? [`ratio @${e1}`] : []),
    `ratio @${fd.fittedEpoch}`,
    'max ratio (epoch)',
    `ratio @${fd.lastEpoch}`,
    'first epoch ratio > 1',
    `cos(g_u, g_p) @${fd.initEpoch}`,
    ...(e1 !== null ? [`cos @${e1}`, `cos @${fd.fittedEpoch}`] : []),
    `slopes u / p @${fd.initEpoch}`,
    ...(e1 !== null ? [`slopes u / p @${e1}`] : []),
  ];
  const rows = pf.layers.map((l) => [
    l.layer,
    f(l.init.ratio),
    ...(l.early ? [f(l.early.ratio)] : []),
    f(l.fitted.ratio),
    `${f(l.ratioMax)} (${l.epochMax})`,
    f(l.last.ratio),
    String(l.firstDominantEpoch ?? 'never'),
    f(l.init.cosine),
    ...(l.early ? [f(l.early.cosine), f(l.fitted.cosine)] : []),
    `${f(l.init.slopeUnpermuted)} / ${f(l.init.slopePermuted)}`,
    ...(l.early ? [`${f(l.early.slopeUnpermuted)} / ${f(l.early.slopePermuted)}`] : []),
  ]);
  return { columns, rows };
}

/** The fitted slopes (unpermuted / permuted) of each part at every scaling epoch, per layer; null without a scaling check. */
function slopeTable(fd: GradientFindings): TextTable | null {
  const slopeEpochs = [...new Set(fd.slopes.map((s) => Number(s.epoch)))].sort((a, b) => a - b);
  if (!slopeEpochs.length) return null;
  const layerNames = [...new Set(fd.slopes.map((s) => String(s.layer)))];
  const slopeParts = GRADIENT_PARTS.filter((p) => fd.slopes.some((s) => s.part === p));
  const rows: string[][] = [];
  for (const e of slopeEpochs) {
    for (const part of slopeParts) {
      const cell = (l: string, g: string) =>
        f(Number(fd.slopes.find((s) => s.epoch === e && s.layer === l && s.group === g && s.part === part)?.slope ?? NaN));
      rows.push([String(e), part, ...layerNames.map((l) => `${cell(l, 'unpermuted')} / ${cell(l, 'permuted')}`)]);
    }
  }
  return { columns: ['epoch', 'part', ...layerNames], rows };
}

/**
 * The findings as a table (the report's numbers): per layer the ratio ‖c_permuted‖/‖c_unpermuted‖ at
 * initialization, after the first epoch and at the fitted epoch (total / label-dependent part where the
 * split was measured), the total's largest ratio and the slopes at initialization.
 */
export function gradientFindingsTable(fd: GradientFindings): TextTable {
  const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
  const ld = fd.parts.label_dependent ?? null;
  const both = (pick: (l: LayerFindings) => string, i: number) =>
    ld ? `${pick(fd.layers[i])} / ${pick(ld.layers[i])}` : pick(fd.layers[i]);
  const tag = ld ? ' (total / label-dep.)' : '';
  return {
    columns: [
      'layer',
      `ratio @${fd.initEpoch}${tag}`,
      ...(fd.earlyEpoch !== null ? [`ratio @${fd.earlyEpoch}${tag}`] : []),
      `ratio @${fd.fittedEpoch}${tag}`,
      'max ratio, total (epoch)',
      `slopes u / p @${fd.initEpoch}, total`,
      ...(ld ? [`slopes u / p @${fd.initEpoch}, label-dep.`] : []),
    ],
    rows: fd.layers.map((l, i) => [
      l.layer,
      both((x) => f2(x.init.ratio), i),
      ...(fd.earlyEpoch !== null ? [both((x) => f2(x.early?.ratio ?? NaN), i)] : []),
      both((x) => f2(x.fitted.ratio), i),
      `${f2(l.ratioMax)} (${l.epochMax})`,
      `${f2(l.init.slopeUnpermuted)} / ${f2(l.init.slopePermuted)}`,
      ...(ld ? [`${f2(ld.layers[i].init.slopeUnpermuted)} / ${f2(ld.layers[i].init.slopePermuted)}`] : []),
    ]),
  };
}
