import type { Row } from '../tables/csv';
import type { TextTable } from '../tables/markdownTable';
import { interpolationThreshold, widthErrors, type WidthErrors } from './interpolationThreshold';

/** Geometry of one (layer, manifold type) at the test-error peak and around it. */
export interface GeometryAroundPeak {
  layer: string;
  manifold: string;
  /** Capacity, radius, dimension at the peak width, the next narrower and next wider width. */
  atPeak: GeometryValues;
  narrower: GeometryValues | null;
  wider: GeometryValues | null;
  /** Capacity at the peak is below its value at both neighbouring widths (null without both neighbours). */
  dipAtPeak: boolean | null;
  /** Widths where this type's capacity is lowest and highest over the sweep. */
  minCapacityWidth: number;
  maxCapacityWidth: number;
}

export interface GeometryValues {
  width: number;
  capacity: number;
  radius: number;
  dimension: number;
}

/** What a width sweep shows for one label-noise kind (paper Fig. 5; the verdict criteria of docs/paper.md §5). */
export interface DoubleDescentFinding {
  noiseKind: string;
  epsilon: number;
  /** Training error tolerance of the interpolation threshold. */
  tolerance: number;
  /** Smallest width that fits the noisy training set (null: none does). */
  threshold: number | null;
  thresholdParams: number | null;
  errors: WidthErrors[];
  /**
   * The test-error peak: the interior width whose rise above the best narrower model and above the
   * best wider model, min(rise narrower, rise wider), is largest (its prominence). Null with fewer
   * than three widths.
   */
  peak:
    | (WidthErrors & {
        bestNarrower: WidthErrors;
        bestWider: WidthErrors;
        riseOverNarrower: number;
        riseOverWider: number;
        prominence: number;
      })
    | null;
  /** The peak lies at least `minRise` (default 1 percentage point) above both a narrower and a wider model. */
  doubleDescent: boolean;
  minRise: number;
  /** Sweep steps between the peak and the interpolation threshold (0 = same width; null if either is missing). */
  peakStepsFromThreshold: number | null;
  geometry: GeometryAroundPeak[];
}

export interface DoubleDescentFindingsOptions {
  /** Training error at or below which a width interpolates (default 0.01). */
  tolerance?: number;
  /** Rise in test error that counts as a peak (default 0.01 = 1 percentage point). */
  minRise?: number;
}

/**
 * Summarise double_descent.csv for the notebook and the report, one finding per noise kind: the
 * interpolation threshold, the test-error peak and how far it stands above narrower and wider models,
 * whether that is double descent (≥ 1 point above both), and the geometry of every (layer, manifold
 * type) at the peak against its neighbours. Computed from the table only.
 */
export function doubleDescentFindings(rows: Row[], options: DoubleDescentFindingsOptions = {}): DoubleDescentFinding[] {
  const tolerance = options.tolerance ?? 0.01;
  const minRise = options.minRise ?? 0.01;
  const kinds = [...new Set(rows.map((r) => String(r.noise_kind)))];
  return kinds.map((noiseKind) => {
    const kindRows = rows.filter((r) => String(r.noise_kind) === noiseKind);
    const errors = widthErrors(kindRows, noiseKind);
    const threshold = interpolationThreshold(errors, tolerance);
    const peak = testErrorPeak(errors);
    const widths = errors.map((e) => e.width);
    const peakStepsFromThreshold = peak && threshold !== null ? widths.indexOf(peak.width) - widths.indexOf(threshold) : null;
    return {
      noiseKind,
      epsilon: Number(kindRows[0]?.epsilon),
      tolerance,
      threshold,
      thresholdParams: threshold === null ? null : errors.find((e) => e.width === threshold)!.params,
      errors,
      peak,
      doubleDescent: !!peak && peak.riseOverNarrower >= minRise && peak.riseOverWider >= minRise,
      minRise,
      peakStepsFromThreshold,
      geometry: peak ? geometryAround(kindRows, widths, peak.width) : [],
    };
  });
}

/** The most prominent interior maximum of test error against width (see `DoubleDescentFinding.peak`). */
export function testErrorPeak(errors: WidthErrors[]): DoubleDescentFinding['peak'] {
  const e = [...errors].sort((a, b) => a.width - b.width);
  let best: DoubleDescentFinding['peak'] = null;
  for (let i = 1; i < e.length - 1; i++) {
    const bestNarrower = e.slice(0, i).reduce((m, x) => (x.testError < m.testError ? x : m));
    const bestWider = e.slice(i + 1).reduce((m, x) => (x.testError < m.testError ? x : m));
    const riseOverNarrower = e[i].testError - bestNarrower.testError;
    const riseOverWider = e[i].testError - bestWider.testError;
    const prominence = Math.min(riseOverNarrower, riseOverWider);
    if (!best || prominence > best.prominence) best = { ...e[i], bestNarrower, bestWider, riseOverNarrower, riseOverWider, prominence };
  }
  return best;
}

function geometryAround(rows: Row[], widths: number[], peakWidth: number): GeometryAroundPeak[] {
  const cells = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.layer === null || r.layer === '' || r.manifold === null || r.manifold === '') continue;
    const key = `${r.layer}\u0001${r.manifold}`;
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key)!.push(r);
  }
  const i = widths.indexOf(peakWidth);
  const out: GeometryAroundPeak[] = [];
  for (const [key, rs] of cells) {
    const [layer, manifold] = key.split('\u0001');
    const at = (w: number | undefined): GeometryValues | null => {
      if (w === undefined) return null;
      const sel = rs.filter((r) => Number(r.width) === w);
      if (sel.length === 0) return null;
      const mean = (c: string) => sel.reduce((s, r) => s + Number(r[c]), 0) / sel.length;
      return { width: w, capacity: mean('capacity'), radius: mean('radius'), dimension: mean('dimension') };
    };
    const all = widths.map((w) => at(w)).filter((g): g is GeometryValues => g !== null && Number.isFinite(g.capacity));
    if (all.length === 0) continue;
    const minC = all.reduce((m, g) => (g.capacity < m.capacity ? g : m));
    const maxC = all.reduce((m, g) => (g.capacity > m.capacity ? g : m));
    const atPeak = at(peakWidth);
    if (!atPeak) continue;
    const narrower = at(widths[i - 1]);
    const wider = at(widths[i + 1]);
    const dipAtPeak =
      narrower && wider && Number.isFinite(narrower.capacity) && Number.isFinite(wider.capacity)
        ? atPeak.capacity < narrower.capacity && atPeak.capacity < wider.capacity
        : null;
    out.push({ layer, manifold, atPeak, narrower, wider, dipAtPeak, minCapacityWidth: minC.width, maxCapacityWidth: maxC.width });
  }
  return out;
}

/** The findings as Markdown: a list per noise kind, one short item per fact (for notebooks, logs and the CLI). */
export function doubleDescentFindingsMarkdown(findings: DoubleDescentFinding[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const pp = (x: number) => `${(100 * x).toFixed(1)} points`;
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`- ${f.noiseKind} label noise (ε = ${f.epsilon}):`);
    lines.push(`  - test error by width: ${f.errors.map((e) => `${e.width}: ${pct(e.testError)}`).join(', ')}`);
    lines.push(`  - train error by width: ${f.errors.map((e) => `${e.width}: ${pct(e.trainError)}`).join(', ')}`);
    lines.push(
      f.threshold === null
        ? `  - interpolation threshold: no width fits the noisy training set to ≤ ${pct(f.tolerance)} training error`
        : `  - interpolation threshold (train error ≤ ${pct(f.tolerance)}): width ${f.threshold} (${f.thresholdParams} parameters)`,
    );
    if (!f.peak) {
      lines.push('  - test-error peak: fewer than three widths');
      continue;
    }
    const p = f.peak;
    lines.push(
      `  - test-error peak: width ${p.width}, ${pct(p.testError)}: ${pp(p.riseOverNarrower)} above the best narrower model (width ${p.bestNarrower.width}), ${pp(p.riseOverWider)} above the best wider one (width ${p.bestWider.width})` +
        (f.peakStepsFromThreshold === null
          ? ''
          : f.peakStepsFromThreshold === 0
            ? '; at the interpolation threshold'
            : `; ${Math.abs(f.peakStepsFromThreshold)} width step(s) ${f.peakStepsFromThreshold > 0 ? 'above' : 'below'} the interpolation threshold`),
    );
    lines.push(`  - double descent (peak ≥ ${pp(f.minRise)} above both a narrower and a wider model): ${f.doubleDescent ? 'yes' : 'no'}`);
    for (const g of f.geometry) {
      const v = (x: GeometryValues | null) => (x ? `${x.capacity.toFixed(3)} (w ${x.width})` : '-');
      lines.push(
        `  - ${g.layer} ${g.manifold}: capacity ${v(g.narrower)} → ${v(g.atPeak)} at the peak → ${v(g.wider)}; ${g.dipAtPeak === null ? '' : g.dipAtPeak ? 'dips at the peak; ' : 'no dip at the peak; '}lowest at width ${g.minCapacityWidth}, highest at ${g.maxCapacityWidth}; radius ${g.atPeak.radius.toFixed(3)}, dimension ${g.atPeak.dimension.toFixed(2)} at the peak`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * The findings as a table (the report's numbers): per noise kind and width the parameters, the training
 * error (all examples, noisy ones) and the test error, marking the interpolation threshold and the
 * test-error peak.
 */
export function doubleDescentFindingsTable(findings: DoubleDescentFinding[]): TextTable {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return {
    columns: ['noise', 'width', 'parameters', 'train error', 'train error (noisy examples)', 'test error', 'mark'],
    rows: findings.flatMap((f) =>
      f.errors.map((e) => [
        f.noiseKind,
        String(e.width),
        String(e.params),
        pct(e.trainError),
        pct(e.trainPermutedError),
        pct(e.testError),
        [e.width === f.threshold ? 'interpolation threshold' : '', f.peak && e.width === f.peak.width ? 'test-error peak' : '']
          .filter(Boolean)
          .join(', '),
      ]),
    ),
  };
}
