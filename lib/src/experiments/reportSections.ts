import type { Row } from '../tables/csv';
import {
  doubleDescentErrors,
  doubleDescentGeometryPanels,
  fig1bSimulatedCapacity,
  geometryByLayer,
  geometryChange,
  geometryHeatmap,
  gradientContributionRatio,
  gradientCosine,
  gradientScaling,
  predictionDepthDistribution,
  probeAccuracyByLayer,
  rewindCurves,
  rewindHeatmap,
  testPeak,
  trainingCurves,
} from '../plots';
import {
  gradientFindings,
  gradientFindingsTable,
  PART_LABELS,
  verdictParts,
  type GradientFindings,
  type LayerFindings,
  type PartFindings,
} from '../gradients';
import { geometryFindings, geometryFindingsTable, simcapSummary } from '../geometry';
import { doubleDescentFindings, doubleDescentFindingsTable } from '../doubleDescent';
import { rewindingFindings } from '../rewind';
import { probeFindings, probeFindingsTable } from '../probes';
import { architectureContrast, architectureContrastTable, type ArchitectureReading } from '../contrast';
import { createModel } from '../models';
import { initBackend } from '../backend';
import type { ReportSection } from '../report';
import type { StepContext } from './steps/step';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** metrics.csv of the main run (published in the results folder by the train step). */
function metricsOf(exp: StepContext): Row[] {
  const rows = exp.table('metrics');
  return rows.length > 0 ? rows : exp.run().metrics();
}

function accuracyAt(metrics: Row[], epoch: number, split: string): number {
  const r = metrics.find((m) => Number(m.epoch) === epoch && m.split === split);
  return r ? Number(r.accuracy) : NaN;
}

/** Training with permuted labels: generalization first, memorization late (paper Fig. 2, top; §3.2). */
export function trainingSection(exp: StepContext): ReportSection | null {
  const metrics = metricsOf(exp);
  if (metrics.length === 0) return null;
  const peak = testPeak(metrics);
  const last = Math.max(...metrics.map((m) => Number(m.epoch)));
  const finalTest = accuracyAt(metrics, last, 'test');
  const finalPermuted = accuracyAt(metrics, last, 'train_permuted');
  const peakPermuted = accuracyAt(metrics, peak.epoch, 'train_permuted');
  const drop = peak.accuracy - finalTest;
  const cfg = exp.preset.train;
  return {
    id: 'training',
    title: 'Training with permuted labels',
    paperClaim:
      'With a fraction ε of labels permuted, a network first learns from the examples that share features (test accuracy rises to an early peak while permuted examples are not fitted); later it memorizes the permuted examples and test accuracy falls (paper Fig. 2, top; the shape of the curve is recalled, not verified, see docs/paper.md).',
    figures: [
      {
        name: 'training-curves',
        caption: 'Accuracy by epoch: unpermuted, permuted (trained labels), restored (true labels of permuted examples), test.',
        figure: trainingCurves(metrics),
      },
    ],
    numbers: {
      columns: ['quantity', 'value'],
      rows: [
        ['test-accuracy peak (epoch)', `${pct(peak.accuracy)} (epoch ${peak.epoch})`],
        ['final test accuracy (epoch)', `${pct(finalTest)} (epoch ${last})`],
        ['permuted training accuracy at the peak / final', `${pct(peakPermuted)} / ${pct(finalPermuted)}`],
      ],
    },
    checks: [
      {
        key: 'permuted-memorized',
        claim: 'the permuted examples are memorized (final training accuracy on them ≥ 90%)',
        held: finalPermuted >= 0.9,
        evidence: `final permuted training accuracy ${pct(finalPermuted)} at epoch ${last}`,
      },
      {
        key: 'test-drop',
        claim: 'test accuracy falls at least 5 points below its peak',
        held: drop >= 0.05,
        evidence: `peak ${pct(peak.accuracy)} at epoch ${peak.epoch}, final ${pct(finalTest)}: a drop of ${(100 * drop).toFixed(1)} points`,
      },
    ],
    notes: [
      `Setting: ${cfg.dataset}, ${cfg.trainSize ?? 'all'} training images, noise ${JSON.stringify(cfg.noise)}, model ${JSON.stringify(cfg.model)}, ${cfg.epochs} epochs.`,
    ],
  };
}

/** Layer rewinding restores generalization (paper Fig. 4, §4), next to Maini et al.'s measure. */
export function rewindingSection(exp: StepContext): ReportSection | null {
  const rows = exp.table('rewinding');
  const metrics = metricsOf(exp);
  if (rows.length === 0 || metrics.length === 0) return null;
  const f = rewindingFindings(rows, metrics);
  const acc = (a: { test_accuracy: number; recovered: number; train_permuted_accuracy: number; layers: string[] }, what: string) => [
    what,
    a.layers.join(', '),
    pct(a.test_accuracy),
    pct(a.recovered),
    pct(a.train_permuted_accuracy),
  ];
  return {
    id: 'rewinding',
    title: 'Rewinding the final layers restores generalization',
    paperClaim:
      'Reverting the weights of the final few layers to an epoch before significant memorization restores generalization (test accuracy), while early layers, barely changed by memorization, matter little [verified claim; protocol reconstructed, docs/paper.md §4]. Maini et al. (2023) measure accuracy on the memorized examples instead and argue memorization is not confined to the last layers.',
    figures: [
      {
        name: 'rewinding-test-heatmap',
        caption: 'Test accuracy after rewinding one layer (row) to an earlier epoch (column).',
        figure: rewindHeatmap(rows, 'test_accuracy', { peakEpoch: f.peakEpoch, reference: f.finalTestAccuracy }),
      },
      {
        name: 'rewinding-permuted-heatmap',
        caption: "Accuracy on the permuted examples (labels trained on; Maini et al.'s measure) after rewinding one layer.",
        figure: rewindHeatmap(rows, 'train_permuted_accuracy', { peakEpoch: f.peakEpoch }),
      },
      {
        name: 'rewinding-curves',
        caption: `Rewinding the last L or the first L layers to epoch ${f.targetEpoch}, against the final and the peak test accuracy.`,
        figure: rewindCurves(rows, f.targetEpoch, { finalTestAccuracy: f.finalTestAccuracy, peakTestAccuracy: f.peakTestAccuracy }),
      },
    ],
    numbers: {
      columns: [
        `rewound to epoch ${f.targetEpoch}`,
        'layers',
        'test accuracy',
        'share of the drop recovered',
        'permuted examples, trained labels',
      ],
      rows: [
        ['final model (nothing rewound)', '-', pct(f.finalTestAccuracy), '0%', pct(f.finalPermutedAccuracy)],
        ...(f.last ? [acc(f.last, `last ${f.last.L} layers`)] : []),
        ...(f.first ? [acc(f.first, 'first layer only')] : []),
        ...f.single.map((a) => acc(a, 'one layer')),
      ],
    },
    checks: f.checks,
    notes: [
      `Peak test accuracy ${pct(f.peakTestAccuracy)} at epoch ${f.peakEpoch}; final ${pct(f.finalTestAccuracy)} at epoch ${f.finalEpoch}. Layers whose rewinding alone undoes most of the memorization: ${f.memorizingLayers.join(', ') || 'none'}.`,
    ],
  };
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

/**
 * The claims of docs/paper.md §6 as report checks: each on the total, then on the label-dependent part
 * (same thresholds), next to each other; at initialization, then measured after the first epoch.
 */
function gradientChecks(fd: GradientFindings): ReportSection['checks'] {
  const o = fd.options;
  const shown = verdictParts(fd);
  const layersText = (pf: PartFindings, pick: (l: LayerFindings) => number) =>
    pf.layers
      .filter((l) => l.layer !== 'all')
      .map((l) => `${l.layer} ${f2(pick(l))}`)
      .join(', ');
  const checks = [] as ReportSection['checks'];
  const claim = (key: string, text: string, held: (pf: PartFindings) => boolean | null, evidence: (pf: PartFindings) => string) => {
    for (const pf of shown)
      checks.push({
        key: `${pf.part}/${key}`,
        claim: `${PART_LABELS[pf.part] === 'total' ? 'total gradient' : PART_LABELS[pf.part]}: ${text}`,
        held: held(pf),
        evidence: evidence(pf),
      });
  };
  const v0 = fd.verdicts.init;
  claim(
    'init-smaller',
    `at initialization (epoch ${v0.epoch}) the permuted group's contribution is clearly smaller than the unpermuted group's in every layer (ratio < ${o.clearlySmaller})`,
    (pf) => pf.verdicts.init.permutedSmallerEveryLayer,
    (pf) => `ratio ‖c_permuted‖/‖c_unpermuted‖ per layer: ${layersText(pf, (l) => l.init.ratio)}`,
  );
  claim(
    'init-unpermuted-slope',
    `at initialization the summed gradient of n unpermuted examples grows like n (slope within ±${o.slopeTolerance} of 1 in every layer)`,
    (pf) => pf.verdicts.init.unpermutedSlopeNear1,
    (pf) => `fitted slopes: ${layersText(pf, (l) => l.init.slopeUnpermuted)}`,
  );
  claim(
    'init-permuted-slope',
    `at initialization the summed gradient of n permuted examples grows like √n (slope within ±${o.slopeTolerance} of 0.5 in every layer)`,
    (pf) => pf.verdicts.init.permutedSlopeNearHalf,
    (pf) => `fitted slopes: ${layersText(pf, (l) => l.init.slopePermuted)}`,
  );
  claim(
    'ratio-grows',
    `the ratio grows (≥ ×${o.growthFactor}) from initialization to the epoch the unpermuted examples are fitted (epoch ${fd.fittedEpoch})`,
    (pf) => pf.verdicts.init.ratioGrowsByFitted,
    (pf) => `ratio at epoch ${fd.fittedEpoch}: ${layersText(pf, (l) => l.fitted.ratio)}`,
  );
  const ve = fd.verdicts.early;
  if (ve) {
    claim(
      'early-smaller',
      `measured after the first epoch instead (epoch ${ve.epoch}, unpermuted train accuracy ${pct(fd.accuracyEarly)}): the permuted contribution is clearly smaller in every layer`,
      (pf) => pf.verdicts.early?.permutedSmallerEveryLayer ?? null,
      (pf) =>
        `ratio per layer: ${layersText(pf, (l) => (l.early ? l.early.ratio : NaN))}; fitted slopes there, unpermuted: ${layersText(pf, (l) => (l.early ? l.early.slopeUnpermuted : NaN))}, permuted: ${layersText(pf, (l) => (l.early ? l.early.slopePermuted : NaN))}`,
    );
    claim(
      'early-ratio-grows',
      `from epoch ${ve.epoch} to epoch ${fd.fittedEpoch} the ratio grows (≥ ×${o.growthFactor}) in every layer`,
      (pf) => pf.verdicts.early?.ratioGrowsByFitted ?? null,
      (pf) => `ratio at epoch ${fd.fittedEpoch}: ${layersText(pf, (l) => l.fitted.ratio)}`,
    );
  }
  return checks;
}

/**
 * How large the label-independent part is next to the label-dependent one at initialization, per layer
 * and group, ‖Σ_G J(p − ū)‖ / ‖Σ_G J(ū − y)‖ (docs/paper.md §6), in words.
 */
function labelIndependentSize(gradients: Row[], fd: GradientFindings): string {
  const partNorm = (layer: string, group: string, part: string) =>
    Number(
      gradients.find((r) => Number(r.epoch) === fd.initEpoch && r.layer === layer && r.group === group && r.part === part)?.grad_norm ??
        NaN,
    );
  return fd.layers
    .filter((l) => l.layer !== 'all')
    .map(
      (l) =>
        `${l.layer} ${['unpermuted', 'permuted'].map((g) => f2(partNorm(l.layer, g, 'label_independent') / partNorm(l.layer, g, 'label_dependent'))).join(' / ')}`,
    )
    .join(', ');
}

/**
 * Why networks do not memorize early: gradient contributions of permuted examples (paper §6, Fig. 6),
 * checked on the total gradient and, with the same thresholds, on its label-dependent part.
 */
export function gradientsSection(exp: StepContext): ReportSection | null {
  const gradients = exp.table('gradients');
  const scaling = exp.table('gradient_scaling');
  const metrics = metricsOf(exp);
  if (gradients.length === 0) return null;
  const fd = gradientFindings(gradients, scaling, metrics);
  const ld = fd.parts.label_dependent ?? null;
  const checks = gradientChecks(fd);
  const scalingEpochs = [...new Set(scaling.map((r) => Number(r.epoch)))].sort((a, b) => a - b);
  const ubar = fd.reference === 'class_frequencies' ? 'the class frequencies of the training labels' : 'uniform, 1/C';
  const sizeText = labelIndependentSize(gradients, fd);
  return {
    id: 'gradients',
    title: 'Gradient contributions of permuted examples',
    paperClaim:
      'Near initialization the gradient contribution of permuted examples is small, so networks do not memorize early: labels independent of the features make their per-example gradients add incoherently (norm of the sum ~ √n) while unpermuted examples add coherently (~ n); once the unpermuted examples are fitted, the permuted ones dominate [claim verified; the argument is reconstructed, docs/paper.md §6].',
    figures: [
      {
        name: 'gradients-ratio',
        caption:
          'Contribution of the permuted group relative to the unpermuted group, per layer, by epoch (with training curves): the total gradient, the one training follows.',
        figure: gradientContributionRatio(gradients, { metrics }),
      },
      ...(ld
        ? [
            {
              name: 'gradients-ratio-label-dependent',
              caption:
                'The same ratio for the label-dependent part J(ū − y) of the gradients alone, the part that carries the labels and that the argument is about.',
              figure: gradientContributionRatio(gradients, { metrics, part: 'label_dependent' }),
            },
          ]
        : []),
      {
        name: 'gradients-cosine',
        caption: 'Cosine between the unpermuted and the permuted group gradients (total), per layer.',
        figure: gradientCosine(gradients),
      },
      ...scalingEpochs.slice(0, 2).map((e) => ({
        name: `gradients-scaling-epoch${e}`,
        caption: `Norm of the summed gradient of n examples against n, epoch ${e}, with fitted slopes${ld ? ': the total (top) and its label-dependent part (bottom)' : ''}.`,
        figure: gradientScaling(scaling, e),
      })),
    ],
    numbers: gradientFindingsTable(fd),
    checks,
    notes: [
      "Contribution of a group G = (n_G/n)·g_G, so the contributions of the groups sum exactly to the full-batch gradient; gradients are taken in inference mode (batch-norm running statistics), so each example's gradient depends only on itself.",
      ...(ld
        ? [
            `What the two columns measure. The total is the gradient of the loss, the one the optimizer follows. For cross-entropy the gradient at example i's logits is p_i − y_i = (p_i − ū) + (ū − y_i), with ū ${ubar}; back-propagated through the same Jacobian J_i it splits each example's gradient exactly into a label-independent part J_iᵀ(p_i − ū) (what the network's own prediction pushes, the same kind of vector for a permuted and an unpermuted example) and a label-dependent part J_iᵀ(ū − y_i), the only part that carries the label. The paper's √n-versus-n argument is about the label-dependent part: the total also holds the label-independent part, which is coherent for every example whatever its label. The label-dependent part does not shrink as examples are fitted (ū − y_i is fixed), so the "ratio grows once fitted" claim, which rests on p_i → y_i, is a claim about the total.`,
            `Size of the label-independent part next to the label-dependent one at initialization (epoch ${fd.initEpoch}), ‖Σ_G J(p − ū)‖ / ‖Σ_G J(ū − y)‖ over each whole group, unpermuted / permuted: ${sizeText}. Where this is small the total and the label-dependent part tell the same story; where it is large the label-independent part adds to both groups alike and pulls the ratio towards their size ratio.`,
          ]
        : []),
    ],
  };
}

/** The geometry of memorization across layers and epochs (paper Figs. 1B–3). */
export function geometrySection(exp: StepContext): ReportSection | null {
  const geometry = exp.table('geometry');
  const metrics = metricsOf(exp);
  if (geometry.length === 0 || metrics.length === 0) return null;
  const f = geometryFindings(geometry, metrics);
  const simcap = exp.table('simcap');
  const epochs = f.keyEpochs;
  const figures: ReportSection['figures'] = [
    {
      name: 'geometry-capacity',
      caption: `Manifold capacity against layer at epochs ${epochs.join(', ')} (the test peak is epoch ${f.peakAnalysisEpoch}); error bars: seed-to-seed std; dashed: 2/M.`,
      figure: geometryByLayer(geometry, 'capacity', { epochs }),
    },
    { name: 'geometry-radius', caption: 'Manifold radius against layer.', figure: geometryByLayer(geometry, 'radius', { epochs }) },
    {
      name: 'geometry-dimension',
      caption: 'Manifold dimension against layer.',
      figure: geometryByLayer(geometry, 'dimension', { epochs }),
    },
    {
      name: 'geometry-center-correlation',
      caption: 'Center correlation against layer.',
      figure: geometryByLayer(geometry, 'center_correlation', { epochs }),
    },
    {
      name: 'geometry-permuted-capacity-heatmap',
      caption: 'Permuted-manifold capacity, layer × epoch.',
      figure: geometryHeatmap(geometry, 'capacity', 'permuted'),
    },
    {
      name: 'geometry-capacity-change',
      caption: `Relative change of capacity from the test peak (epoch ${f.peakAnalysisEpoch}) to the last epoch (${f.lastAnalysisEpoch}), per layer.`,
      figure: geometryChange(geometry, 'capacity', f.peakAnalysisEpoch, f.lastAnalysisEpoch),
    },
  ];
  const notes = [...f.notes];
  if (simcap.length > 0) {
    const sc = simcapSummary(simcap);
    figures.push({
      name: 'fig1b-simulated-capacity',
      caption: 'Simulated capacity against MFT capacity on the same points (Fig. 1B).',
      figure: fig1bSimulatedCapacity(simcap),
    });
    notes.push(
      `Fig. 1B check: ${sc.measured} of ${sc.points} points measured; median |α_sim/α_MFT − 1| = ${(100 * sc.medianRelError).toFixed(1)}%, largest ${(100 * sc.maxRelError).toFixed(1)}%, correlation ${sc.correlation.toFixed(3)}.${sc.unmeasured.length ? ` Not measurable: ${sc.unmeasured.map((u) => `epoch ${u.epoch} ${u.layer} ${u.manifold} (${u.note})`).join('; ')}.` : ''}`,
    );
  }
  return {
    id: 'geometry',
    title: 'Geometry across layers and epochs: memorization in the final layers',
    paperClaim:
      'All layers first learn from examples that share features: while the network generalizes, unpermuted and restored manifolds grow more separable with depth and permuted manifolds stay near the unstructured level. Memorization happens late and in the deeper layers: permuted manifolds shrink in radius and dimension and their capacity rises only in the final layers, restored capacity falls there, and early layers barely change [claims verified; figure details recalled, docs/paper.md §2].',
    figures,
    numbers: geometryFindingsTable(f),
    checks: f.claims.filter((c) => c.id !== 'memorization').map((c) => ({ key: c.id, claim: c.text, held: c.held, evidence: c.evidence })),
    notes: [
      `Capacity at P = ${f.P} classes, M = ${f.M} examples per manifold; unstructured level 2/M = ${f.unstructured.toFixed(3)}. "First" hidden layers: ${f.firstLayers.join(', ')}; "last": ${f.lastLayers.join(', ')}.`,
      ...notes,
    ],
  };
}

/** Model-wise double descent and its geometry (paper Fig. 5, §5). */
export function doubleDescentSection(exp: StepContext): ReportSection | null {
  const rows = exp.table('double_descent');
  if (rows.length === 0) return null;
  const findings = doubleDescentFindings(rows);
  const figures: ReportSection['figures'] = [];
  const checks: ReportSection['checks'] = [];
  const notes: string[] = [];
  for (const f of findings) {
    const kind = f.noiseKind;
    figures.push({
      name: `double-descent-errors-${kind}`,
      caption: `Test and training error against width, ${kind} label noise (ε = ${f.epsilon}); dashed: the interpolation threshold.`,
      figure: doubleDescentErrors(rows, { noiseKind: kind, interpolationThreshold: f.threshold }),
    });
    figures.push({
      name: `double-descent-geometry-${kind}`,
      caption: `Capacity, radius and dimension of the three manifold types against width, ${kind} label noise.`,
      figure: doubleDescentGeometryPanels(rows, { noiseKind: kind, interpolationThreshold: f.threshold }),
    });
    const p = f.peak;
    checks.push({
      key: `${kind}/peak`,
      claim: `${kind} label noise: test error against width has a peak at least ${(100 * f.minRise).toFixed(0)} point above both a narrower and a wider model`,
      held: f.doubleDescent,
      evidence: p
        ? `peak ${pct(p.testError)} at width ${p.width}; best narrower ${pct(p.bestNarrower.testError)} (width ${p.bestNarrower.width}, +${(100 * p.riseOverNarrower).toFixed(1)} points), best wider ${pct(p.bestWider.testError)} (width ${p.bestWider.width}, +${(100 * p.riseOverWider).toFixed(1)} points)`
        : 'fewer than three widths',
    });
    checks.push({
      key: `${kind}/peak-at-threshold`,
      claim: `${kind} label noise: the peak is near the interpolation threshold (within one sweep step)`,
      held: f.peakStepsFromThreshold === null ? null : Math.abs(f.peakStepsFromThreshold) <= 1,
      evidence: `interpolation threshold (training error ≤ ${(100 * f.tolerance).toFixed(0)}%): ${f.threshold === null ? 'no width fits the noisy labels' : `width ${f.threshold} (${f.thresholdParams} parameters)`}; peak at width ${p?.width ?? 'n/a'}`,
    });
    const dips = f.geometry.filter((g) => g.dipAtPeak === true).map((g) => `${g.layer} ${g.manifold}`);
    notes.push(
      `${kind}: capacity dips at the peak width (below both neighbours) for ${dips.length ? dips.join(', ') : 'no (layer, manifold type)'}; read these few-hundredths differences as suggestive (M is small and only the analysis seed varies).`,
    );
  }
  return {
    id: 'double-descent',
    title: 'Double descent across model width',
    paperClaim:
      'Studying generalization across model sizes links model-wise double descent — test error peaking near the width that can just fit the noisy training labels (Nakkiran et al. 2019), then falling again — to the geometry of the object manifolds in the final layers [claim verified; setting and direction of the geometric signature recalled or inferred, docs/paper.md §5].',
    figures,
    numbers: doubleDescentFindingsTable(findings),
    checks,
    notes,
  };
}

/** Per-layer probes and prediction depth: a second reading of where memorization lives (Baldock et al. 2021; Maini et al. 2023). */
export function probesSection(exp: StepContext): ReportSection | null {
  const probes = exp.table('probes');
  const depth = exp.table('prediction_depth');
  const metrics = metricsOf(exp);
  if (probes.length === 0 || metrics.length === 0) return null;
  const P = exp.preset.geometry.analysis.P;
  const f = probeFindings(probes, depth, metrics, { P });
  const epochs = [...new Set([Math.min(...probes.map((r) => Number(r.epoch))), f.peakEpoch, f.lastEpoch])].sort((a, b) => a - b);
  const layerNames: Record<number, string> = {};
  for (const r of probes) layerNames[Number(r.layer_index)] = String(r.layer);
  return {
    id: 'probes',
    title: 'Per-layer probes and prediction depth',
    paperClaim:
      "Not a claim of the paper: a second lens on its question. A kNN classifier (k = 30) and a linear probe on each layer's activations ask how well that layer separates the examples by their labels; on the permuted examples with the labels they were trained on, that is a memorization probe, and with their true labels (restored) it asks whether the layer still represents what they show. Prediction depth is the earliest layer from which every later kNN prediction agrees with the network (Baldock et al. 2021), who found mislabelled examples deep. If memorization lives in the final layers, as the paper argues, the permuted labels become readable there late in training; Maini et al. (2023) argue from such per-layer measurements that it is not confined to them.",
    figures: [
      {
        name: 'probes-knn',
        caption: `kNN probe accuracy (k = ${exp.preset.probes.k ?? 30}; the P·M geometry examples vote for held-out examples of the same group) against layer at epochs ${epochs.join(', ')} (test peak: epoch ${f.peakEpoch}); dashed: chance.`,
        figure: probeAccuracyByLayer(probes, { probe: 'knn', epochs, P }),
      },
      {
        name: 'probes-linear',
        caption:
          'Linear probe (multinomial logistic regression on the frozen activations) accuracy on the held-out examples against layer.',
        figure: probeAccuracyByLayer(probes, { probe: 'linear', epochs, P }),
      },
      ...(depth.length
        ? [
            {
              name: 'prediction-depth',
              caption:
                'Prediction depth of the unpermuted and permuted examples (share of each group per depth; the last bin: the last probed layer disagrees with the network).',
              figure: predictionDepthDistribution(depth, { epochs, layers: layerNames }),
            },
          ]
        : []),
    ],
    numbers: probeFindingsTable(f),
    checks: f.claims.map((c) => ({ key: c.id, claim: c.text, held: c.held, evidence: c.evidence })),
    notes: [
      `Chance is 1/P = ${f.chance.toFixed(2)}. "First" hidden layers: ${f.firstLayers.join(', ')}; "last": ${f.lastLayers.join(', ')}. Thresholds fixed in advance (PROBE_THRESHOLDS): near chance ≤ chance + ${f.thresholds.nearChance}, rises ≥ ${f.thresholds.rise}, falls ≥ ${f.thresholds.fall}, stays high: falls ≤ ${f.thresholds.stayHigh}, deeper: ≥ ${f.thresholds.depthGap} analysis point.`,
      "The probes read the geometry's examples (the same P classes × M examples per type), so a layer's capacity and its probe accuracy describe the same points. Held-out examples are other training examples of the same group, not test images.",
      ...(f.depth.length
        ? [
            `Mean prediction depth by epoch: ${[...new Set(f.depth.map((d) => d.epoch))].map((e) => `${e}: unpermuted ${f.depth.find((d) => d.epoch === e && d.group === 'unpermuted')?.mean.toFixed(2)}, permuted ${f.depth.find((d) => d.epoch === e && d.group === 'permuted')?.mean.toFixed(2)}`).join('; ')} (layer indices).`,
          ]
        : []),
      ...f.notes,
    ],
  };
}

/** Trainable parameters of a model spec on the run's input (for the contrast table). */
function paramCount(spec: Parameters<typeof createModel>[0], exp: StepContext): number {
  const run = exp.run();
  const m = run.loadModelAt(run.epochs[0]);
  const shape = m.inputShape;
  m.dispose();
  const model = createModel(spec, shape, run.noisy.numClasses, 0);
  const n = model.numTrainable;
  model.dispose();
  return n;
}

/**
 * The architecture contrast of an experiment: the readings of the main run and of the `mlp_contrast`
 * step's MLP (`architectureContrast`), or null before that step has run. Used by the report and notebook 06.
 */
export async function architectureReadings(exp: StepContext): Promise<ArchitectureReading[] | null> {
  await initBackend(); // the parameter counts build the models
  return readingsOf(exp);
}

function readingsOf(exp: StepContext): ArchitectureReading[] | null {
  const c = exp.preset.mlpContrast;
  const mlpMetrics = exp.table('mlp_metrics');
  if (!c || mlpMetrics.length === 0) return null;
  const main = exp.run().config.model;
  return architectureContrast(
    [
      {
        name: `${main.family} (main run)`,
        params: paramCount(main, exp),
        metrics: metricsOf(exp),
        geometry: exp.table('geometry'),
        rewinding: exp.table('rewinding'),
        probes: exp.table('probes'),
        depth: exp.table('prediction_depth'),
      },
      {
        name: `mlp ${c.model.depth}×${c.model.width}`,
        params: paramCount(c.model, exp),
        metrics: mlpMetrics,
        geometry: exp.table('mlp_geometry'),
        rewinding: exp.table('mlp_rewinding'),
        probes: exp.table('mlp_probes'),
        depth: exp.table('mlp_prediction_depth'),
      },
    ],
    { P: exp.preset.geometry.analysis.P },
  );
}

/** The architecture contrast: the same measures of memorization for the main CNN and an MLP on the same data. */
export function architectureSection(exp: StepContext): ReportSection | null {
  const readings = readingsOf(exp); // the report step has initialized the backend
  if (!readings) return null;
  const P = exp.preset.geometry.analysis.P;
  const mlpMetrics = exp.table('mlp_metrics');
  const [main, mlp] = readings;
  const mlpRewinding = exp.table('mlp_rewinding');
  const mlpRf = mlpRewinding.length ? rewindingFindings(mlpRewinding, mlpMetrics) : null;
  const mlpGeometry = exp.table('mlp_geometry');
  const mlpProbes = exp.table('mlp_probes');
  const figures: ReportSection['figures'] = [
    { name: 'mlp-training-curves', caption: 'The MLP: accuracy by epoch of the four groups.', figure: trainingCurves(mlpMetrics) },
  ];
  if (mlpGeometry.length) {
    const gf = geometryFindings(mlpGeometry, mlpMetrics);
    figures.push({
      name: 'mlp-geometry-capacity',
      caption: `The MLP: manifold capacity against layer at epochs ${gf.keyEpochs.join(', ')}.`,
      figure: geometryByLayer(mlpGeometry, 'capacity', { epochs: gf.keyEpochs }),
    });
  }
  if (mlpRf)
    figures.push({
      name: 'mlp-rewinding-curves',
      caption: `The MLP: rewinding the last L or the first L layers to epoch ${mlpRf.targetEpoch}.`,
      figure: rewindCurves(mlpRewinding, mlpRf.targetEpoch, {
        finalTestAccuracy: mlpRf.finalTestAccuracy,
        peakTestAccuracy: mlpRf.peakTestAccuracy,
      }),
    });
  if (mlpProbes.length) {
    const pf = probeFindings(mlpProbes, exp.table('mlp_prediction_depth'), mlpMetrics, { P });
    figures.push({
      name: 'mlp-probes-knn',
      caption: 'The MLP: kNN probe accuracy against layer.',
      figure: probeAccuracyByLayer(mlpProbes, {
        probe: 'knn',
        epochs: [...new Set([Math.min(...mlpProbes.map((r) => Number(r.epoch))), pf.peakEpoch, pf.lastEpoch])].sort((a, b) => a - b),
        P,
      }),
    });
  }
  const pct0 = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
  return {
    id: 'architecture-contrast',
    title: 'Architecture contrast: where a convnet and an MLP memorize',
    paperClaim:
      "Not a claim of the paper, which studies convnets (VGG-16, ResNet-18). A small PyTorch check on this machine kind (docs/small-scale.md) found the paper's picture with a small convnet but the opposite with an MLP: rewinding the first layer restored most of the test accuracy and the last layers nothing, closer to Maini et al. (2023). Here both architectures, of about the same parameter count, are trained on the same data with the same settings and read by every measure of this report.",
    figures,
    numbers: architectureContrastTable(readings),
    checks: [
      {
        key: 'main-last-layers',
        claim: `${main.name}: rewinding the last layers recovers more of the test-accuracy drop than rewinding the first layer`,
        held: Number.isFinite(main.recoveredLast) && Number.isFinite(main.recoveredFirst) ? main.recoveredLast > main.recoveredFirst : null,
        evidence: `last ${main.lastL} layers ${pct0(main.recoveredLast)}, first layer ${pct0(main.recoveredFirst)}`,
      },
      {
        key: 'mlp-first-layer',
        claim: `${mlp.name}: rewinding the first layer recovers more of the drop than rewinding the last layers (the small-scale check's MLP result)`,
        held: Number.isFinite(mlp.recoveredLast) && Number.isFinite(mlp.recoveredFirst) ? mlp.recoveredFirst > mlp.recoveredLast : null,
        evidence: `last ${mlp.lastL} layers ${pct0(mlp.recoveredLast)}, first layer ${pct0(mlp.recoveredFirst)}`,
      },
      {
        key: 'opposite-ends',
        claim: 'the measures of the two architectures point to different ends of the network',
        held: [main.where, mlp.where].every((w) => w === 'last layers' || w === 'first layers') ? main.where !== mlp.where : null,
        evidence: `${main.name}: ${main.where}; ${mlp.name}: ${mlp.where}`,
      },
    ],
    notes: [
      'Each measure "points to the last layers" when its change in the last hidden layer exceeds that in the first hidden layer (capacity: |ratio − 1| from the test peak to the last epoch; kNN: rise of the permuted-label accuracy, fall of the restored accuracy; rewinding: share of the drop recovered by the last L layers against the first layer), and to the first layers when the reverse; "mixed" when the measures disagree.',
      "The MLP uses the main run's data, label noise, optimizer, schedule and epochs; only the model differs.",
    ],
  };
}
