import type { Row } from '../tables/csv';
import { gradientScalingSlopes } from './gradientScaling';

export interface GradientFindingsOptions {
  /** The permuted contribution counts as "clearly smaller" when ratio < this (default 0.5). */
  clearlySmaller?: number;
  /** Slopes count as "close" to 1 and 1/2 within ± this (default 0.15). */
  slopeTolerance?: number;
  /** The ratio "grows" when ratio(fitted) ≥ this × ratio(init) (default 2). */
  growthFactor?: number;
  /** The unpermuted examples count as fitted at the first analysed epoch whose train_unpermuted accuracy ≥ this (default 0.9). */
  fittedAccuracy?: number;
}

/** Per layer (and `all`: every layer's parameters together), the permuted/unpermuted contribution ratio over training. */
export interface LayerRatio {
  layer: string;
  layerIndex: number;
  /** ‖c_permuted‖ / ‖c_unpermuted‖ at the first analysed epoch (initialization). */
  ratioInit: number;
  /** The same at the fitted epoch (see `GradientFindings.fittedEpoch`). */
  ratioFitted: number;
  ratioLast: number;
  ratioMax: number;
  epochMax: number;
  /** First analysed epoch where the permuted contribution is the larger (ratio > 1); null if never. */
  firstDominantEpoch: number | null;
  /** cos(g_unpermuted, g_permuted) at initialization. */
  cosineInit: number;
  /** Fitted slopes at initialization (NaN without scaling rows). */
  slopeUnpermuted: number;
  slopePermuted: number;
}

export interface GradientFindings {
  initEpoch: number;
  lastEpoch: number;
  /** First analysed epoch with train_unpermuted accuracy ≥ fittedAccuracy (the last epoch without metrics or if never). */
  fittedEpoch: number;
  /** train_unpermuted accuracy at the fitted epoch (NaN without metrics). */
  fittedAccuracy: number;
  layers: LayerRatio[];
  /** Epoch, layer, group, slope, … of every scaling epoch (`gradientScalingSlopes`). */
  slopes: Row[];
  verdicts: {
    /** At initialization ratio < clearlySmaller in every layer. */
    permutedSmallerEveryLayer: boolean;
    /** At initialization |slope − 1| ≤ tolerance for the unpermuted group in every layer (null without scaling rows at the initial epoch). */
    unpermutedSlopeNear1: boolean | null;
    /** At initialization |slope − 1/2| ≤ tolerance for the permuted group in every layer. */
    permutedSlopeNearHalf: boolean | null;
    /** ratio(fitted) ≥ growthFactor × ratio(init) in every layer. */
    ratioGrows: boolean;
  };
  options: Required<GradientFindingsOptions>;
}

/**
 * What the gradient tables say about the paper's argument (paper.md §6), with verdicts computed from
 * the data against stated thresholds: near initialization the permuted group's contribution to the
 * full-batch gradient is small (ratio ‖c_p‖/‖c_u‖ ≪ 1), because its per-example gradients add
 * incoherently (log–log slope ≈ 1/2) while the unpermuted ones add coherently (slope ≈ 1); the ratio
 * grows once the unpermuted examples are fitted. Layer `all` is the whole network (norms combined over
 * layers: ‖c‖² = Σ_layers ‖c_layer‖²). `metrics` (metrics.csv rows) locates the fitted epoch.
 */
export function gradientFindings(gradients: Row[], scaling: Row[] = [], metrics: Row[] = [], options: GradientFindingsOptions = {}): GradientFindings {
  const opts: Required<GradientFindingsOptions> = { clearlySmaller: 0.5, slopeTolerance: 0.15, growthFactor: 2, fittedAccuracy: 0.9, ...options };
  if (gradients.length === 0) throw new Error('gradientFindings: the gradients table is empty');
  const epochs = [...new Set(gradients.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const initEpoch = epochs[0];
  const lastEpoch = epochs[epochs.length - 1];
  const acc = new Map(metrics.filter((r) => r.split === 'train_unpermuted').map((r) => [Number(r.epoch), Number(r.accuracy)]));
  const fitted = epochs.find((e) => (acc.get(e) ?? -Infinity) >= opts.fittedAccuracy);
  const fittedEpoch = fitted ?? lastEpoch;

  const layerOrder = new Map<string, number>();
  for (const r of gradients) layerOrder.set(String(r.layer), Number(r.layer_index));
  const layerNames = [...layerOrder.keys()].sort((a, b) => layerOrder.get(a)! - layerOrder.get(b)!);
  // contribution norms per (epoch, layer, group), plus `all` = the whole network.
  const cn = new Map<string, number>();
  const cos = new Map<string, number>();
  for (const r of gradients) {
    cn.set(`${r.epoch}|${r.layer}|${r.group}`, Number(r.contribution_norm));
    cos.set(`${r.epoch}|${r.layer}`, Number(r.cosine));
    const k = `${r.epoch}|all|${r.group}`;
    cn.set(k, Math.hypot(cn.get(k) ?? 0, Number(r.contribution_norm)));
  }
  const ratio = (e: number, l: string) => (cn.get(`${e}|${l}|permuted`) ?? NaN) / (cn.get(`${e}|${l}|unpermuted`) ?? NaN);

  const slopes = scaling.length ? gradientScalingSlopes(scaling) : [];
  const slopeAt = (l: string, g: string) => Number(slopes.find((s) => s.epoch === initEpoch && s.layer === l && s.group === g)?.slope ?? NaN);

  const layers: LayerRatio[] = [...layerNames, 'all'].map((layer) => {
    const rs = epochs.map((e) => ratio(e, layer));
    let k = 0;
    rs.forEach((v, i) => (v > rs[k] || !(rs[k] >= 0) ? (k = i) : 0));
    const dom = epochs.find((e, i) => rs[i] > 1);
    return {
      layer,
      layerIndex: layer === 'all' ? Math.max(...layerOrder.values()) + 1 : layerOrder.get(layer)!,
      ratioInit: rs[0],
      ratioFitted: ratio(fittedEpoch, layer),
      ratioLast: rs[rs.length - 1],
      ratioMax: rs[k],
      epochMax: epochs[k],
      firstDominantEpoch: dom ?? null,
      cosineInit: layer === 'all' ? NaN : cos.get(`${initEpoch}|${layer}`) ?? NaN,
      slopeUnpermuted: layer === 'all' ? NaN : slopeAt(layer, 'unpermuted'),
      slopePermuted: layer === 'all' ? NaN : slopeAt(layer, 'permuted'),
    };
  });
  const perLayer = layers.filter((l) => l.layer !== 'all');
  const haveInitSlopes = perLayer.every((l) => Number.isFinite(l.slopeUnpermuted) && Number.isFinite(l.slopePermuted));
  return {
    initEpoch,
    lastEpoch,
    fittedEpoch,
    fittedAccuracy: acc.get(fittedEpoch) ?? NaN,
    layers,
    slopes,
    verdicts: {
      permutedSmallerEveryLayer: perLayer.every((l) => l.ratioInit < opts.clearlySmaller),
      unpermutedSlopeNear1: haveInitSlopes ? perLayer.every((l) => Math.abs(l.slopeUnpermuted - 1) <= opts.slopeTolerance) : null,
      permutedSlopeNearHalf: haveInitSlopes ? perLayer.every((l) => Math.abs(l.slopePermuted - 0.5) <= opts.slopeTolerance) : null,
      ratioGrows: fittedEpoch !== initEpoch && perLayer.every((l) => l.ratioFitted >= opts.growthFactor * l.ratioInit),
    },
    options: opts,
  };
}

const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const yesNo = (v: boolean | null) => (v === null ? 'not measured' : v ? 'yes' : 'NO');

/** The findings as Markdown: verdict lines, the per-layer ratio/slope table, and later-epoch slopes. */
export function formatGradientFindings(fd: GradientFindings): string {
  const o = fd.options;
  const lines: string[] = [];
  lines.push(`- At initialization (epoch ${fd.initEpoch}), permuted contribution clearly smaller than unpermuted (ratio < ${o.clearlySmaller}) in every layer: **${yesNo(fd.verdicts.permutedSmallerEveryLayer)}**`);
  lines.push(`- Fitted slope of the unpermuted group within ±${o.slopeTolerance} of 1 in every layer: **${yesNo(fd.verdicts.unpermutedSlopeNear1)}**; permuted within ±${o.slopeTolerance} of 0.5: **${yesNo(fd.verdicts.permutedSlopeNearHalf)}**`);
  lines.push(`- Ratio grows ≥ ×${o.growthFactor} by epoch ${fd.fittedEpoch} (first analysed epoch with unpermuted train accuracy ≥ ${o.fittedAccuracy}${Number.isFinite(fd.fittedAccuracy) ? `: ${f(fd.fittedAccuracy)}` : ', no metrics: last epoch'}) in every layer: **${yesNo(fd.verdicts.ratioGrows)}**`);
  lines.push('');
  lines.push(`| layer | ratio, epoch ${fd.initEpoch} | ratio, epoch ${fd.fittedEpoch} | max ratio (epoch) | ratio, epoch ${fd.lastEpoch} | first epoch ratio > 1 | cos(g_u, g_p), epoch ${fd.initEpoch} | slope unpermuted | slope permuted |`);
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const l of fd.layers) {
    lines.push(`| ${l.layer} | ${f(l.ratioInit)} | ${f(l.ratioFitted)} | ${f(l.ratioMax)} (${l.epochMax}) | ${f(l.ratioLast)} | ${l.firstDominantEpoch ?? 'never'} | ${f(l.cosineInit)} | ${f(l.slopeUnpermuted, 2)} | ${f(l.slopePermuted, 2)} |`);
  }
  const later = [...new Set(fd.slopes.map((s) => Number(s.epoch)))].filter((e) => e !== fd.initEpoch);
  if (later.length) {
    lines.push('');
    lines.push(`Fitted slopes at later epochs (unpermuted / permuted):`);
    lines.push('');
    const layerNames = [...new Set(fd.slopes.map((s) => String(s.layer)))];
    lines.push(`| epoch | ${layerNames.join(' | ')} |`);
    lines.push(`|---|${layerNames.map(() => '---').join('|')}|`);
    for (const e of later) {
      const cell = (l: string, g: string) => f(Number(fd.slopes.find((s) => s.epoch === e && s.layer === l && s.group === g)?.slope ?? NaN), 2);
      lines.push(`| ${e} | ${layerNames.map((l) => `${cell(l, 'unpermuted')} / ${cell(l, 'permuted')}`).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
