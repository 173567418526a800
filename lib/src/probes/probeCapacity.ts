import { spearman } from '../geometry/geometryFindings';
import type { Row } from '../tables/csv';

export interface ProbeCapacityRow {
  epoch: number;
  layer: string;
  layerIndex: number;
  manifold: string;
  capacity: number;
  knn: number;
  linear: number;
}

export interface ProbeCapacityComparison {
  rows: ProbeCapacityRow[];
  /** Per epoch: Spearman ρ between capacity and kNN accuracy (and linear accuracy) over every (layer, type) cell both tables have. */
  agreement: { epoch: number; cells: number; rhoKnn: number; rhoLinear: number }[];
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v));

/**
 * Manifold capacity (geometry.csv) and probe accuracy (probes.csv, held-out kNN and linear) of the same
 * cells, side by side: the two readings of how separable a layer makes each manifold type. Where the
 * rank correlation over the cells is high the readings agree on which layers and types are separable;
 * cells where they part ways are where they measure different things (capacity: linear separability
 * of whole manifolds with a margin under random dichotomies; probes: one labelling, local or linear).
 */
export function probeCapacityComparison(geometry: Row[], probes: Row[], options: { epochs?: number[] } = {}): ProbeCapacityComparison {
  const epochs =
    options.epochs ??
    [...new Set(geometry.map((r) => num(r.epoch)))].filter((e) => probes.some((p) => num(p.epoch) === e)).sort((a, b) => a - b);
  const rows: ProbeCapacityRow[] = [];
  const acc = (e: number, l: unknown, m: unknown, probe: string) =>
    num(probes.find((p) => num(p.epoch) === e && p.layer === l && p.manifold === m && p.probe === probe)?.accuracy);
  for (const e of epochs) {
    const g = geometry.filter((r) => num(r.epoch) === e).sort((a, b) => num(a.layer_index) - num(b.layer_index));
    for (const r of g) {
      const knn = acc(e, r.layer, r.manifold, 'knn');
      if (!Number.isFinite(knn)) continue;
      rows.push({
        epoch: e,
        layer: String(r.layer),
        layerIndex: num(r.layer_index),
        manifold: String(r.manifold),
        capacity: num(r.capacity),
        knn,
        linear: acc(e, r.layer, r.manifold, 'linear'),
      });
    }
  }
  const agreement = epochs.map((epoch) => {
    const c = rows.filter((r) => r.epoch === epoch && Number.isFinite(r.capacity));
    return {
      epoch,
      cells: c.length,
      rhoKnn:
        c.length >= 3
          ? spearman(
              c.map((r) => r.capacity),
              c.map((r) => r.knn),
            )
          : NaN,
      rhoLinear:
        c.length >= 3
          ? spearman(
              c.map((r) => r.capacity),
              c.map((r) => r.linear),
            )
          : NaN,
    };
  });
  return { rows, agreement };
}

/** The comparison at the given epochs as one Markdown table (layer × type rows, capacity / kNN / linear per epoch), then ρ per epoch. */
export function probeCapacityMarkdown(c: ProbeCapacityComparison, epochs: number[]): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  const keys = [...new Map(c.rows.filter((r) => epochs.includes(r.epoch)).map((r) => [`${r.layer}|${r.manifold}`, r])).values()].sort(
    (a, b) => a.layerIndex - b.layerIndex || a.manifold.localeCompare(b.manifold),
  );
  const head = ['layer', 'type', ...epochs.flatMap((e) => [`capacity @${e}`, `kNN @${e}`, `linear @${e}`])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const k of keys) {
    const cells = epochs.flatMap((e) => {
      const r = c.rows.find((x) => x.epoch === e && x.layer === k.layer && x.manifold === k.manifold);
      return r ? [f(r.capacity), f(r.knn), f(r.linear)] : ['–', '–', '–'];
    });
    lines.push(`| ${k.layer} | ${k.manifold} | ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    c.agreement
      .filter((a) => epochs.includes(a.epoch))
      .map(
        (a) =>
          `Epoch ${a.epoch}: Spearman ρ(capacity, kNN accuracy) = ${f(a.rhoKnn)}, ρ(capacity, linear accuracy) = ${f(a.rhoLinear)} over ${a.cells} cells.`,
      )
      .join(' '),
  );
  return lines.join('\n');
}
