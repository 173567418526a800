import { InputError } from '../errors';
import { geometryFindings } from '../geometry/geometryFindings';
import { probeFindings } from '../probes/probeFindings';
import { rewindingFindings } from '../rewind/rewindingFindings';
import type { Row } from '../tables/csv';
import { markdownTable, type TextTable } from '../tables/markdownTable';

/** The tables of one trained architecture (each may be empty when that analysis was not run). */
export interface ArchitectureTables {
  name: string;
  /** Trainable parameters. */
  params?: number;
  metrics: Row[];
  geometry: Row[];
  rewinding: Row[];
  probes: Row[];
  depth: Row[];
}

/** Where memorization shows in one architecture, by every measure (NaN where a table is missing). */
export interface ArchitectureReading {
  name: string;
  params: number;
  peakEpoch: number;
  peakTest: number;
  finalTest: number;
  finalPermuted: number;
  firstHidden: string;
  lastHidden: string;
  /** Permuted capacity, last epoch / test peak, in the first and last hidden layers. */
  permutedCapacityRatioFirst: number;
  permutedCapacityRatioLast: number;
  /** Share of the test-accuracy drop recovered by rewinding the last layers / the first layer to the peak. */
  recoveredLast: number;
  lastL: number;
  recoveredFirst: number;
  /** Layers whose rewinding alone halves the accuracy on the permuted examples (Maini et al.'s reading). */
  memorizingLayers: string[];
  /** Permuted-label kNN accuracy, last epoch − test peak, in the first and last hidden layers. */
  permutedKnnRiseFirst: number;
  permutedKnnRiseLast: number;
  /** Restored (true-label) kNN accuracy of the permuted examples, test peak − last epoch. */
  restoredKnnFallFirst: number;
  restoredKnnFallLast: number;
  /** Mean prediction depth, permuted − unpermuted, at the last epoch. */
  depthGap: number;
  /** 'last layers' when every measure that can tell puts memorization later in the network than the first hidden layer, 'first layers' when every one puts it at the start, else 'mixed'. */
  where: 'last layers' | 'first layers' | 'mixed' | 'undecided';
  votes: { measure: string; says: 'last' | 'first' | 'neither' }[];
}

/**
 * The same questions asked of several architectures trained on the same data (small-scale check in
 * docs/small-scale.md: a convnet showed memorization in its last layers, an MLP in its first): per
 * architecture the training drop, the permuted capacity change in the first and last hidden layers,
 * what rewinding the last layers and the first layer recovers, the probe readings and the prediction
 * depth gap, and which end of the network each measure points to. A measure "points to the last
 * layers" when its change in the last hidden layer exceeds that in the first (capacity ratio, kNN rise,
 * restored fall; rewinding: the last layers recover more than the first layer), and the reverse.
 */
export function architectureContrast(archs: ArchitectureTables[], options: { P: number }): ArchitectureReading[] {
  if (archs.length === 0) throw new InputError('architectureContrast: no architectures given');
  return archs.map((a) => {
    if (a.metrics.length === 0) throw new InputError(`architectureContrast: ${a.name} has no metrics`);
    const g = a.geometry.length ? geometryFindings(a.geometry, a.metrics) : null;
    const r = a.rewinding.length ? rewindingFindings(a.rewinding, a.metrics) : null;
    const p = a.probes.length ? probeFindings(a.probes, a.depth, a.metrics, { P: options.P }) : null;
    const hidden = g?.hiddenLayers ?? (p ? p.layers.filter((l) => l !== 'input' && l !== 'logits') : []);
    const firstHidden = hidden[0] ?? '';
    const lastHidden = hidden[hidden.length - 1] ?? '';
    const capRatio = (l: string) =>
      g?.changes.find((c) => c.layer === l && c.manifold === 'permuted' && c.metric === 'capacity')?.ratio ?? NaN;
    const knn = (l: string, m: string, which: 'peak' | 'last') =>
      p?.table.find((t) => t.layer === l && t.manifold === m && t.probe === 'knn')?.[which] ?? NaN;
    const du = p?.depth.find((d) => d.epoch === p.lastEpoch && d.group === 'unpermuted');
    const dp = p?.depth.find((d) => d.epoch === p.lastEpoch && d.group === 'permuted');
    const reading = {
      name: a.name,
      params: a.params ?? NaN,
      peakEpoch: g?.peak.epoch ?? r?.peakEpoch ?? NaN,
      peakTest: g?.peak.testAccuracy ?? r?.peakTestAccuracy ?? NaN,
      finalTest: g?.last.testAccuracy ?? r?.finalTestAccuracy ?? NaN,
      finalPermuted: g?.last.permutedTrainAccuracy ?? NaN,
      firstHidden,
      lastHidden,
      permutedCapacityRatioFirst: capRatio(firstHidden),
      permutedCapacityRatioLast: capRatio(lastHidden),
      recoveredLast: r?.last?.recovered ?? NaN,
      lastL: r?.last?.L ?? NaN,
      recoveredFirst: r?.first?.recovered ?? NaN,
      memorizingLayers: r?.memorizingLayers ?? [],
      permutedKnnRiseFirst: knn(firstHidden, 'permuted', 'last') - knn(firstHidden, 'permuted', 'peak'),
      permutedKnnRiseLast: knn(lastHidden, 'permuted', 'last') - knn(lastHidden, 'permuted', 'peak'),
      restoredKnnFallFirst: knn(firstHidden, 'restored', 'peak') - knn(firstHidden, 'restored', 'last'),
      restoredKnnFallLast: knn(lastHidden, 'restored', 'peak') - knn(lastHidden, 'restored', 'last'),
      depthGap: du && dp ? dp.mean - du.mean : NaN,
    };
    const side = (last: number, first: number): 'last' | 'first' | 'neither' =>
      !Number.isFinite(last) || !Number.isFinite(first) || last === first ? 'neither' : last > first ? 'last' : 'first';
    const votes: ArchitectureReading['votes'] = [
      {
        measure: 'permuted capacity change',
        says: side(Math.abs(reading.permutedCapacityRatioLast - 1), Math.abs(reading.permutedCapacityRatioFirst - 1)),
      },
      { measure: 'rewinding (test accuracy recovered)', says: side(reading.recoveredLast, reading.recoveredFirst) },
      { measure: 'permuted-label kNN rise', says: side(reading.permutedKnnRiseLast, reading.permutedKnnRiseFirst) },
      { measure: 'restored kNN fall', says: side(reading.restoredKnnFallLast, reading.restoredKnnFallFirst) },
    ];
    const told = votes.filter((v) => v.says !== 'neither');
    const where: ArchitectureReading['where'] =
      told.length === 0
        ? 'undecided'
        : told.every((v) => v.says === 'last')
          ? 'last layers'
          : told.every((v) => v.says === 'first')
            ? 'first layers'
            : 'mixed';
    return { ...reading, where, votes };
  });
}

/** The readings side by side: one row per measure, its label then one cell per architecture (one column each). */
export function architectureContrastTable(readings: ArchitectureReading[]): TextTable {
  const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(0)}%` : '–');
  const rows: [string, (r: ArchitectureReading) => string][] = [
    ['parameters', (r) => (Number.isFinite(r.params) ? String(r.params) : '–')],
    ['test accuracy: peak (epoch) → final', (r) => `${f3(r.peakTest)} (${r.peakEpoch}) → ${f3(r.finalTest)}`],
    ['final accuracy on permuted examples (trained labels)', (r) => f3(r.finalPermuted)],
    ['first / last hidden layer', (r) => `${r.firstHidden} / ${r.lastHidden}`],
    [
      'permuted capacity, last epoch / peak: first hidden · last hidden',
      (r) => `${f3(r.permutedCapacityRatioFirst)} · ${f3(r.permutedCapacityRatioLast)}`,
    ],
    [
      'drop recovered by rewinding the last L layers · the first layer',
      (r) => `${pct(r.recoveredLast)} (L = ${r.lastL}) · ${pct(r.recoveredFirst)}`,
    ],
    ['layers whose rewinding halves the permuted accuracy (Maini et al.)', (r) => r.memorizingLayers.join(', ') || 'none'],
    ['permuted-label kNN accuracy rise: first hidden · last hidden', (r) => `${f3(r.permutedKnnRiseFirst)} · ${f3(r.permutedKnnRiseLast)}`],
    ['restored kNN accuracy fall: first hidden · last hidden', (r) => `${f3(r.restoredKnnFallFirst)} · ${f3(r.restoredKnnFallLast)}`],
    ['mean prediction depth, permuted − unpermuted (last epoch)', (r) => f3(r.depthGap)],
    ['where the measures put memorization', (r) => `**${r.where}** (${r.votes.map((v) => `${v.measure}: ${v.says}`).join('; ')})`],
  ];
  return { columns: ['', ...readings.map((r) => r.name)], rows: rows.map(([label, fn]) => [label, ...readings.map(fn)]) };
}

/** The readings side by side as a Markdown table (one column per architecture). */
export function architectureContrastMarkdown(readings: ArchitectureReading[]): string {
  return markdownTable(architectureContrastTable(readings));
}
