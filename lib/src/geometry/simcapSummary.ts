import type { Row } from '../tables/csv';

/** How well simulated capacity matches MFT capacity over the points of simcap.csv (paper Fig. 1B). */
export interface SimcapSummary {
  points: number;
  /** Points whose simulation bracketed p = 0.5 (finite α_sim). */
  measured: number;
  /** Median and largest |α_sim / α_MFT − 1| over the measured points. */
  medianRelError: number;
  maxRelError: number;
  /** Pearson correlation of α_sim with α_MFT over the measured points. */
  correlation: number;
  /** The points that could not be measured, with the reason. */
  unmeasured: { epoch: number; layer: string; manifold: string; capacity: number; note: string }[];
}

export function simcapSummary(simcap: Row[]): SimcapSummary {
  const ok = simcap.filter((r) => Number.isFinite(Number(r.simulated_capacity)) && Number.isFinite(Number(r.capacity)));
  const rel = ok.map((r) => Math.abs(Number(r.simulated_capacity) / Number(r.capacity) - 1)).sort((a, b) => a - b);
  const x = ok.map((r) => Number(r.capacity));
  const y = ok.map((r) => Number(r.simulated_capacity));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  const median = rel.length ? (rel.length % 2 ? rel[(rel.length - 1) / 2] : (rel[rel.length / 2 - 1] + rel[rel.length / 2]) / 2) : NaN;
  return {
    points: simcap.length,
    measured: ok.length,
    medianRelError: median,
    maxRelError: rel.length ? rel[rel.length - 1] : NaN,
    correlation: ok.length >= 3 ? sxy / Math.sqrt(sxx * syy) : NaN,
    unmeasured: simcap
      .filter((r) => !ok.includes(r))
      .map((r) => ({
        epoch: Number(r.epoch),
        layer: String(r.layer),
        manifold: String(r.manifold),
        capacity: Number(r.capacity),
        note: String(r.note ?? ''),
      })),
  };
}

/** The summary in a few Markdown lines (notebook 02, report). */
export function simcapSummaryMarkdown(s: SimcapSummary): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  const lines = [
    `Simulated capacity was measured at ${s.measured} of ${s.points} points: median |α_sim/α_MFT − 1| = **${(s.medianRelError * 100).toFixed(1)}%** (largest ${(s.maxRelError * 100).toFixed(1)}%), correlation ${f(s.correlation)}.`,
  ];
  for (const u of s.unmeasured) lines.push(`- not measured: epoch ${u.epoch}, ${u.layer}, ${u.manifold} (MFT ${f(u.capacity)}): ${u.note}`);
  return lines.join('\n');
}
