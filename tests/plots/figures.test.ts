import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  trainingCurves,
  testPeak,
  geometryByLayer,
  geometryHeatmap,
  geometryChange,
  rewindHeatmap,
  rewindCurves,
  doubleDescentErrors,
  gradientContributionRatio,
  gradientScaling,
  figureHtml,
  renderFigure,
  canRenderImages,
  closeRenderer,
  type Row,
} from 'memgeo';

const metrics: Row[] = [];
for (let e = 0; e <= 4; e++) {
  const testAcc = [0.1, 0.6, 0.8, 0.7, 0.6][e];
  metrics.push({ epoch: e, split: 'test', loss: 1, accuracy: testAcc });
  for (const split of ['train_unpermuted', 'train_permuted', 'train_restored'])
    metrics.push({ epoch: e, split, loss: 1, accuracy: 0.2 * e });
}

const geometry: Row[] = [];
for (const epoch of [0, 4])
  for (const [i, layer] of ['input', 'conv1', 'fc1'].entries())
    for (const manifold of ['unpermuted', 'permuted', 'restored']) {
      geometry.push({
        epoch,
        layer,
        layer_index: i,
        manifold,
        capacity: 0.04 * (1 + i + epoch),
        capacity_std: 0.001,
        radius: 1,
        dimension: 10,
        center_correlation: 0.1,
        K: 1,
        participation_ratio: 5,
        P: 10,
        M: 50,
        n_t: 200,
        seed: 0,
      });
    }

test('trainingCurves: four splits, peak marked at the best test epoch', () => {
  assert.deepEqual(testPeak(metrics), { epoch: 2, accuracy: 0.8 });
  const fig = trainingCurves(metrics);
  assert.equal(fig.data.length, 4);
  assert.deepEqual(fig.data[3].y, [0.1, 0.6, 0.8, 0.7, 0.6]);
  assert.equal((fig.layout.shapes as { x0: number }[])[0].x0, 2);
  assert.throws(() => testPeak([]), /no test rows/);
});

test('geometry figures: panels per manifold type, layers in layer_index order, error bars, 2/M line', () => {
  const fig = geometryByLayer(geometry, 'capacity');
  const lines = fig.data.filter((t) => String(t.name).startsWith('epoch'));
  assert.equal(lines.length, 6); // 3 kinds x 2 epochs
  assert.deepEqual(lines[0].x, ['input', 'conv1', 'fc1']);
  assert.ok((lines[0] as { error_y?: unknown }).error_y);
  const ref = fig.data.find((t) => String(t.name).startsWith('2/M'))!;
  assert.deepEqual(ref.y, [0.04, 0.04]);
  const hm = geometryHeatmap(geometry, 'capacity', 'permuted');
  const z = hm.data[0].z as number[][];
  assert.equal(z.length, 3);
  assert.ok(Math.abs(z[0][0] - 0.04) < 1e-12 && Math.abs(z[0][1] - 0.2) < 1e-12);
  assert.ok(Math.abs((hm.data[0].z as number[][])[2][1] - 0.28) < 1e-12);
  const ch = geometryChange(geometry, 'capacity', 0, 4);
  assert.ok(Math.abs((ch.data[0].y as number[])[0] - 4) < 1e-12); // 0.2/0.04 - 1
});

test('rewinding, double-descent and gradient figures read their tidy tables', () => {
  const rw: Row[] = [];
  for (const [i, layer] of ['conv1', 'fc1'].entries())
    for (const epoch of [2, 4])
      rw.push({
        mode: 'single',
        layer,
        layer_index: i,
        L: 1,
        epoch,
        test_accuracy: 0.5 + i * 0.1,
        train_unpermuted_accuracy: 1,
        train_permuted_accuracy: 0.9,
        train_restored_accuracy: 0.1,
      });
  for (const L of [1, 2])
    rw.push({
      mode: 'last',
      layer: '',
      layer_index: -1,
      L,
      epoch: 2,
      test_accuracy: [0, 0.75, 0.8][L],
      train_unpermuted_accuracy: 1,
      train_permuted_accuracy: 0.3,
      train_restored_accuracy: 0.5,
    });
  assert.deepEqual(rewindHeatmap(rw, 'test_accuracy').data[0].z, [
    [0.5, 0.5],
    [0.6, 0.6],
  ]);
  const curves = rewindCurves(rw, 2, { finalTestAccuracy: 0.6, peakTestAccuracy: 0.8 });
  assert.deepEqual(curves.data[0].y, [0.75, 0.8]);
  const dd: Row[] = [4, 1, 2].map((width) => ({
    width,
    params: width * 100,
    epochs: 10,
    train_error: 0,
    train_unpermuted_error: 0,
    train_permuted_error: 0,
    test_error: width / 10,
    layer: 'fc',
    manifold: 'permuted',
    capacity: 0.1,
    radius: 1,
    dimension: 5,
    center_correlation: 0.1,
  }));
  assert.deepEqual(doubleDescentErrors(dd, { interpolationThreshold: 2 }).data[0].x, [1, 2, 4]);
  const grads: Row[] = [];
  for (const epoch of [0, 1])
    for (const group of ['permuted', 'unpermuted'])
      grads.push({
        epoch,
        layer: 'fc',
        layer_index: 0,
        group,
        grad_norm: 1,
        contribution_norm: group === 'permuted' ? 0.1 * (epoch + 1) : 1,
        cosine: 0,
      });
  assert.deepEqual(gradientContributionRatio(grads).data[0].y, [0.1, 0.2]);
  const sc: Row[] = [];
  for (const group of ['permuted', 'unpermuted'])
    for (const n of [1, 4, 16])
      sc.push({ epoch: 0, layer: 'fc', layer_index: 0, group, n, draw: 0, norm: group === 'permuted' ? Math.sqrt(n) : n });
  const fig = gradientScaling(sc, 0);
  assert.deepEqual(fig.data[0].y, [1, 4, 16]);
});

test('figureHtml references the shared bundle and escapes script-breaking text', () => {
  const html = figureHtml({ data: [{ type: 'scatter', x: [1], y: [2], name: '</script><b>' }], layout: { title: { text: 'a<b' } } });
  assert.match(html, /<script src="plotly.js"><\/script>/);
  assert.ok(!html.includes('</script><b>'));
  assert.match(html, /<title>a&lt;b<\/title>/);
});

after(() => closeRenderer());

test('renderFigure produces PNG and SVG with headless Chromium', { timeout: 120_000 }, async (t) => {
  if (!canRenderImages()) {
    if (process.env.CI === 'true') assert.fail("Chromium is missing: .ci/run must apt-get install 'chromium'");
    t.skip('Chromium not installed: apt-get install chromium to render figures (PNG/SVG)');
    return;
  }
  const fig = trainingCurves(metrics);
  const png = await renderFigure(fig, 'png');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.readUInt32BE(16), 900); // IHDR width = layout width
  const svg = await renderFigure(fig, 'svg');
  assert.match(svg, /^<svg/);
  assert.match(svg, /test peak: epoch 2/);
});
