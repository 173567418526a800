import type { Row } from '../tables/csv';
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
  const epochs = [...new Set(gradients.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const initEpoch = epochs[0];
  const earlyEpoch = epochs.length > 1 ? epochs[1] : null;
  const lastEpoch = epochs[epochs.length - 1];
  const acc = new Map(metrics.filter((r) => r.split === 'train_unpermuted').map((r) => [Number(r.epoch), Number(r.accuracy)]));
  const fittedEpoch = epochs.find((e) => (acc.get(e) ?? -Infinity) >= opts.fittedAccuracy) ?? lastEpoch;

  const layerOrder = new Map<string, number>();
  for (const r of gradients) layerOrder.set(String(r.layer), Number(r.layer_index));
  const layerNames = [...layerOrder.keys()].sort((a, b) => layerOrder.get(a)! - layerOrder.get(b)!);
  const slopes = scaling.length ? gradientScalingSlopes(scaling) : [];

  const findingsOf = (part: GradientPart): PartFindings => {
    const cn = new Map<string, number>();
    const cos = new Map<string, number>();
    for (const r of gradients) {
      if (partOf(r) !== part) continue;
      cn.set(`${r.epoch}|${r.layer}|${r.group}`, Number(r.contribution_norm));
      cos.set(`${r.epoch}|${r.layer}`, Number(r.cosine));
      const k = `${r.epoch}|all|${r.group}`;
      cn.set(k, Math.hypot(cn.get(k) ?? 0, Number(r.contribution_norm)));
    }
    const ratio = (e: number, l: string) => (cn.get(`${e}|${l}|permuted`) ?? NaN) / (cn.get(`${e}|${l}|unpermuted`) ?? NaN);
    const slope = (e: number, l: string, g: string) =>
      Number(slopes.find((s) => s.epoch === e && s.layer === l && s.group === g && s.part === part)?.slope ?? NaN);
    const at = (e: number, layer: string): LayerAtEpoch => ({
      ratio: ratio(e, layer),
      cosine: cos.get(`${e}|${layer}`) ?? NaN,
      slopeUnpermuted: slope(e, layer, 'unpermuted'),
      slopePermuted: slope(e, layer, 'permuted'),
    });

    const layers: LayerFindings[] = [...layerNames, 'all'].map((layer) => {
      const rs = epochs.map((e) => ratio(e, layer));
      let k = 0;
      rs.forEach((v, i) => (v > rs[k] || !(rs[k] >= 0) ? (k = i) : 0));
      const dom = epochs.find((_, i) => rs[i] > 1);
      return {
        layer,
        layerIndex: layer === 'all' ? Math.max(...layerOrder.values()) + 1 : layerOrder.get(layer)!,
        init: at(initEpoch, layer),
        early: earlyEpoch === null ? null : at(earlyEpoch, layer),
        fitted: at(fittedEpoch, layer),
        last: at(lastEpoch, layer),
        ratioMax: rs[k],
        epochMax: epochs[k],
        firstDominantEpoch: dom ?? null,
      };
    });
    const perLayer = layers.filter((l) => l.layer !== 'all');
    const verdictsAt = (epoch: number, pick: (l: LayerFindings) => LayerAtEpoch): EpochVerdicts => {
      const v = perLayer.map(pick);
      const haveSlopes = v.every((x) => Number.isFinite(x.slopeUnpermuted) && Number.isFinite(x.slopePermuted));
      return {
        epoch,
        permutedSmallerEveryLayer: v.every((x) => x.ratio < opts.clearlySmaller),
        unpermutedSlopeNear1: haveSlopes ? v.every((x) => Math.abs(x.slopeUnpermuted - 1) <= opts.slopeTolerance) : null,
        permutedSlopeNearHalf: haveSlopes ? v.every((x) => Math.abs(x.slopePermuted - 0.5) <= opts.slopeTolerance) : null,
        ratioGrowsByFitted: fittedEpoch > epoch ? perLayer.every((l) => l.fitted.ratio >= opts.growthFactor * pick(l).ratio) : null,
      };
    };
    return {
      part,
      layers,
      verdicts: { init: verdictsAt(initEpoch, (l) => l.init), early: earlyEpoch === null ? null : verdictsAt(earlyEpoch, (l) => l.early!) },
    };
  };
  const present = new Set(gradients.map(partOf));
  const parts: Partial<Record<GradientPart, PartFindings>> = {};
  for (const part of GRADIENT_PARTS) if (present.has(part)) parts[part] = findingsOf(part);
  const total = parts.total ?? findingsOf('total');
  const reference = gradients.find((r) => partOf(r) !== 'total' && r.reference)?.reference;
  return {
    initEpoch,
    earlyEpoch,
    fittedEpoch,
    lastEpoch,
    accuracyEarly: earlyEpoch === null ? NaN : (acc.get(earlyEpoch) ?? NaN),
    accuracyFitted: acc.get(fittedEpoch) ?? NaN,
    layers: total.layers,
    slopes,
    verdicts: total.verdicts,
    parts,
    reference: reference === undefined || reference === null ? null : String(reference),
    options: opts,
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
  const o = fd.options;
  const lines: string[] = [];
  const shown = verdictParts(fd);
  const accText = (v: number) => (Number.isFinite(v) ? `, unpermuted train accuracy ${f(v)}` : '');
  if (fd.parts.label_dependent) {
    lines.push(
      `Total: the gradient of the loss, as trained on. Label-dependent part: Σ_i J_iᵀ(ū − y_i) with ū ${fd.reference === 'class_frequencies' ? 'the class frequencies of the training labels' : 'uniform over the classes'}, the only part that carries the labels (the paper's argument is about it). Label-independent part: Σ_i J_iᵀ(p_i − ū), the same kind of vector for every example whatever its label. The parts add up to the total.`,
    );
    lines.push('');
  }
  const head = ['claim (thresholds fixed in advance, the same for every part)', 'epoch', ...shown.map((p) => PART_LABELS[p.part])];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`|${head.map(() => '---').join('|')}|`);
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
  for (const [label, pick] of when) {
    const first = pick(shown[0]);
    if (!first) continue;
    for (const [claim, get] of claims)
      lines.push(`| ${label}: ${claim} | ${first.epoch} | ${shown.map((p) => `**${yesNo(get(pick(p)!))}**`).join(' | ')} |`);
  }
  lines.push('');
  const reached = fd.accuracyFitted >= o.fittedAccuracy;
  lines.push(
    `Fitted epoch: ${fd.fittedEpoch} (${reached ? `first analysed epoch with unpermuted train accuracy ≥ ${o.fittedAccuracy}: ${f(fd.accuracyFitted, 3)}` : `unpermuted train accuracy never reached ${o.fittedAccuracy}${Number.isFinite(fd.accuracyFitted) ? ` (${f(fd.accuracyFitted, 3)} at the end)` : ' (no metrics)'}: the last analysed epoch`}).`,
  );
  const e1 = fd.earlyEpoch;
  for (const part of GRADIENT_PARTS) {
    const pf = fd.parts[part];
    if (!pf) continue;
    lines.push('');
    lines.push(`Per layer, ${PART_LABELS[part]} (ratio = ‖c_permuted‖ / ‖c_unpermuted‖):`);
    lines.push('');
    const head = [
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
    lines.push(`| ${head.join(' | ')} |`);
    lines.push(`|${head.map(() => '---').join('|')}|`);
    for (const l of pf.layers) {
      const cells = [
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
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const slopeEpochs = [...new Set(fd.slopes.map((s) => Number(s.epoch)))].sort((a, b) => a - b);
  if (slopeEpochs.length) {
    lines.push('');
    lines.push('Fitted log–log slopes of ‖Σ gradients‖ against n, unpermuted / permuted:');
    lines.push('');
    const layerNames = [...new Set(fd.slopes.map((s) => String(s.layer)))];
    const slopeParts = GRADIENT_PARTS.filter((p) => fd.slopes.some((s) => s.part === p));
    lines.push(`| epoch | part | ${layerNames.join(' | ')} |`);
    lines.push(`|---|---|${layerNames.map(() => '---').join('|')}|`);
    for (const e of slopeEpochs) {
      for (const part of slopeParts) {
        const cell = (l: string, g: string) =>
          f(Number(fd.slopes.find((s) => s.epoch === e && s.layer === l && s.group === g && s.part === part)?.slope ?? NaN));
        lines.push(`| ${e} | ${part} | ${layerNames.map((l) => `${cell(l, 'unpermuted')} / ${cell(l, 'permuted')}`).join(' | ')} |`);
      }
    }
  }
  return lines.join('\n');
}

/** @deprecated Use `gradientFindingsMarkdown`; kept for the notebooks written before the findings' naming scheme. */
export const formatGradientFindings = gradientFindingsMarkdown;
