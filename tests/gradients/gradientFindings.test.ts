import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  gradientFindingsMarkdown,
  gradientFindingsTable,
  gradientContributionRatio,
  gradientCosine,
  gradientFindings,
  gradientScaling,
  gradientScalingSlopes,
  type Row,
} from 'memgeo';

const LAYERS = ['conv1', 'logits'];

/** gradients.csv rows with the given permuted/unpermuted contribution ratio per (epoch, layer). */
function gradientsTable(ratio: (epoch: number, layer: string) => number, epochs: number[]): Row[] {
  const rows: Row[] = [];
  for (const epoch of epochs) {
    LAYERS.forEach((layer, i) => {
      const base = { epoch, layer, layer_index: i + 1, params: 10, loss: 1, cosine: -0.5, cosine_full: 0.5 };
      rows.push({ ...base, group: 'unpermuted', count: 50, grad_norm: 2, contribution_norm: 1 });
      rows.push({ ...base, group: 'permuted', count: 50, grad_norm: 2 * ratio(epoch, layer), contribution_norm: ratio(epoch, layer) });
      rows.push({ ...base, group: 'full', count: 100, grad_norm: 1, contribution_norm: 1 });
    });
  }
  return rows;
}

/** gradient_scaling.csv rows following n^slope exactly. */
function scalingTable(slope: (epoch: number, layer: string, group: string) => number, epochs: number[]): Row[] {
  const rows: Row[] = [];
  for (const epoch of epochs)
    LAYERS.forEach((layer, i) => {
      for (const group of ['unpermuted', 'permuted'])
        for (const n of [8, 32, 128])
          for (const draw of [0, 1])
            rows.push({ epoch, layer, layer_index: i + 1, group, n, draw, norm: (1 + 0.01 * draw) * n ** slope(epoch, layer, group) });
    });
  return rows;
}

const metrics: Row[] = [0, 1, 2, 3].map((epoch) => ({
  epoch,
  split: 'train_unpermuted',
  loss: 1,
  accuracy: [0.1, 0.6, 0.95, 0.99][epoch],
  count: 50,
}));

test('verdicts follow the data: the argument holding, and failing at initialization in one layer', () => {
  const good = gradientFindings(
    gradientsTable((e) => [0.2, 0.3, 1.5, 3][e], [0, 1, 2, 3]),
    scalingTable((_e, _l, g) => (g === 'unpermuted' ? 0.95 : 0.52), [0, 1]),
    metrics,
  );
  assert.equal(good.initEpoch, 0);
  assert.equal(good.earlyEpoch, 1);
  assert.equal(good.fittedEpoch, 2);
  assert.deepEqual(good.verdicts.init, {
    epoch: 0,
    permutedSmallerEveryLayer: true,
    unpermutedSlopeNear1: true,
    permutedSlopeNearHalf: true,
    ratioGrowsByFitted: true,
  });
  const conv1 = good.layers.find((l) => l.layer === 'conv1')!;
  assert.ok(Math.abs(conv1.init.ratio - 0.2) < 1e-12 && Math.abs(conv1.fitted.ratio - 1.5) < 1e-12);
  assert.equal(conv1.firstDominantEpoch, 2);
  assert.equal(conv1.epochMax, 3);
  assert.ok(Math.abs(conv1.init.slopeUnpermuted - 0.95) < 1e-3);
  // `all` combines the layers' norms: ratio of √(Σ c_p²) to √(Σ c_u²) = same ratio here.
  assert.ok(Math.abs(good.layers.find((l) => l.layer === 'all')!.init.ratio - 0.2) < 1e-12);

  const bad = gradientFindings(
    gradientsTable((e, l) => (e === 0 && l === 'logits' ? 1.3 : [0.2, 0.3, 0.5, 3][e]), [0, 1, 2, 3]),
    scalingTable((_e, l, g) => (g === 'unpermuted' && l === 'logits' ? 0.5 : g === 'unpermuted' ? 1 : 0.5), [0]),
    metrics,
  );
  assert.equal(bad.verdicts.init.permutedSmallerEveryLayer, false);
  assert.equal(bad.verdicts.init.unpermutedSlopeNear1, false);
  assert.equal(bad.verdicts.init.permutedSlopeNearHalf, true);
  assert.equal(bad.verdicts.init.ratioGrowsByFitted, false, 'logits: 1.3 → 0.5');
  assert.equal(bad.verdicts.early!.permutedSlopeNearHalf, null, 'no scaling rows at epoch 1');
  assert.equal(bad.verdicts.early!.ratioGrowsByFitted, false, '0.3 → 0.5 is less than ×2');
  const md = gradientFindingsMarkdown(bad);
  assert.match(md, /\| logits \| 1\.30 \| 0\.30 \| 0\.50 \|/);
  assert.match(md, /at initialization: permuted contribution clearly smaller \(ratio < 0\.5\) in every layer \| 0 \| \*\*NO\*\* \|/);
  assert.deepEqual(Object.keys(bad.parts), ['total'], 'a table without a part column is the total');
  assert.equal(bad.reference, null);
  // Without metrics the fitted epoch is the last one.
  assert.equal(gradientFindings(gradientsTable(() => 0.5, [0, 5])).fittedEpoch, 5);
});

test('slopes table: one fitted slope per (epoch, layer, group), pooling the draws', () => {
  const slopes = gradientScalingSlopes(scalingTable((e, _l, g) => (g === 'unpermuted' ? 1 : 0.5) + e * 0.1, [0, 2]));
  assert.equal(slopes.length, 2 * LAYERS.length * 2);
  const s = slopes.find((r) => r.epoch === 2 && r.layer === 'logits' && r.group === 'permuted')!;
  assert.ok(Math.abs(Number(s.slope) - 0.7) < 1e-9);
  assert.deepEqual([s.n_min, s.n_max, s.points, s.n_upper_min], [8, 128, 6, 32]);
  assert.ok(Math.abs(Number(s.slope_upper) - 0.7) < 1e-9);
});

test('Fig. 6 builders: ratio per layer and for all layers, training curves above, cosine, scaling with slopes', () => {
  const g = gradientsTable((e, l) => (l === 'conv1' ? 0.2 : 0.4) * (e + 1), [0, 1]);
  const fig = gradientContributionRatio(g);
  assert.deepEqual(
    fig.data.map((t) => t.name),
    ['conv1', 'logits', 'all layers'],
  );
  assert.deepEqual(fig.data[0].y, [0.2, 0.4]);
  const all = fig.data[2].y as number[];
  assert.ok(Math.abs(all[0] - Math.hypot(0.2, 0.4) / Math.SQRT2) < 1e-12);
  const withCurves = gradientContributionRatio(g, { metrics });
  assert.equal(withCurves.data.length, 3 + 3);
  assert.equal(withCurves.data[0].yaxis, 'y2');
  assert.deepEqual(withCurves.data[3].y, [0.1, 0.6, 0.95, 0.99]);
  assert.deepEqual(gradientCosine(g).data[1].y, [-0.5, -0.5]);
  const sc = gradientScaling(
    scalingTable((_e, _l, grp) => (grp === 'unpermuted' ? 1 : 0.5), [0]),
    0,
  );
  const notes = (sc.layout.annotations as { text: string }[]).map((a) => a.text).join(' ');
  assert.match(notes, /conv1: 1\.00/);
  assert.match(notes, /logits: 0\.50/);
});

/** gradients.csv rows with parts: the total's ratio as `total`, the label-dependent part's as `dependent`. */
function splitTable(
  total: (epoch: number, layer: string) => number,
  dependent: (epoch: number, layer: string) => number,
  epochs: number[],
): Row[] {
  const rows: Row[] = [];
  for (const [part, ratio] of [
    ['total', total],
    ['label_independent', () => 1],
    ['label_dependent', dependent],
  ] as const) {
    for (const r of gradientsTable(ratio, epochs)) rows.push({ ...r, part, reference: 'uniform' });
  }
  return rows;
}

test('findings per part: the same claims and thresholds on the total and on the label-dependent part, side by side', () => {
  const gradients = splitTable(
    (e, l) => (l === 'logits' ? [1.3, 1.1, 2, 3][e] : [0.6, 0.7, 1.5, 3][e]),
    (e) => [0.2, 0.3, 0.35, 0.4][e],
    [0, 1, 2, 3],
  );
  const scaling: Row[] = [];
  for (const part of ['total', 'label_independent', 'label_dependent']) {
    for (const r of scalingTable(
      (_e, _l, g) =>
        part === 'label_dependent' ? (g === 'unpermuted' ? 0.97 : 0.5) : part === 'label_independent' ? 1 : g === 'unpermuted' ? 0.7 : 0.75,
      [0],
    ))
      scaling.push({ ...r, part, reference: 'uniform' });
  }
  const fd = gradientFindings(gradients, scaling, metrics);
  assert.deepEqual(Object.keys(fd.parts), ['total', 'label_independent', 'label_dependent']);
  assert.equal(fd.reference, 'uniform');
  // The top-level fields are the total's.
  assert.deepEqual(fd.verdicts, fd.parts.total!.verdicts);
  assert.deepEqual(fd.verdicts.init, {
    epoch: 0,
    permutedSmallerEveryLayer: false,
    unpermutedSlopeNear1: false,
    permutedSlopeNearHalf: false,
    ratioGrowsByFitted: false,
  });
  assert.deepEqual(fd.parts.label_dependent!.verdicts.init, {
    epoch: 0,
    permutedSmallerEveryLayer: true,
    unpermutedSlopeNear1: true,
    permutedSlopeNearHalf: true,
    ratioGrowsByFitted: false,
  });
  const ldLogits = fd.parts.label_dependent!.layers.find((l) => l.layer === 'logits')!;
  assert.ok(Math.abs(ldLogits.init.ratio - 0.2) < 1e-12 && Math.abs(ldLogits.init.slopeUnpermuted - 0.97) < 1e-3);
  assert.ok(Math.abs(fd.layers.find((l) => l.layer === 'logits')!.init.ratio - 1.3) < 1e-12);
  const md = gradientFindingsMarkdown(fd);
  const t = gradientFindingsTable(fd);
  assert.deepEqual(
    t.rows.map((r) => r[0]),
    fd.layers.map((l) => l.layer),
  );
  for (const r of t.rows) assert.equal(r.length, t.columns.length);
  assert.match(md, /\| claim \(thresholds fixed in advance, the same for every part\) \| epoch \| total \| label-dependent part \|/);
  assert.match(
    md,
    /at initialization: permuted contribution clearly smaller \(ratio < 0\.5\) in every layer \| 0 \| \*\*NO\*\* \| \*\*yes\*\* \|/,
  );
  assert.match(md, /Per layer, label-dependent part[^\n]*\n\n[^\n]*\n[^\n]*\n\| conv1 \| 0\.20 \| 0\.30 \| 0\.35 \|/);
  assert.match(md, /\| 0 \| label_dependent \| 0\.97 \/ 0\.50 \| 0\.97 \/ 0\.50 \|/);
  // Figures pick a part; the scaling figure shows the total and the label-dependent part, one row each.
  assert.deepEqual(gradientContributionRatio(gradients, { part: 'label_dependent' }).data[0].y, [0.2, 0.3, 0.35, 0.4]);
  assert.deepEqual(gradientContributionRatio(gradients).data[1].y, [1.3, 1.1, 2, 3]);
  const sc = gradientScaling(scaling, 0);
  const titles = (sc.layout.annotations as { text: string }[]).map((a) => a.text);
  assert.ok(
    titles.some((t) => /unpermuted · label-dependent part/.test(t)) && titles.some((t) => /permuted · total gradient/.test(t)),
    titles.join(' | '),
  );
  assert.equal(sc.data.filter((t) => t.mode === 'lines+markers').length, 4 * LAYERS.length);
});
