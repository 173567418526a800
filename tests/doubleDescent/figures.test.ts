import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doubleDescentErrors, doubleDescentGeometry, doubleDescentGeometryPanels, type Row } from 'memgeo';

function rows(): Row[] {
  const out: Row[] = [];
  for (const noise_kind of ['permute', 'symmetric']) {
    for (const seed of [0, 1]) {
      for (const width of [2, 1, 4]) {
        for (const layer of ['fc1', 'logits']) {
          for (const manifold of ['unpermuted', 'permuted', 'restored']) {
            out.push({
              noise_kind,
              seed,
              width,
              params: width * 10,
              epochs: 5,
              train_error: 0.1 / width,
              train_unpermuted_error: 0,
              train_permuted_error: 0.5 / width,
              test_error: (noise_kind === 'permute' ? 0.2 : 0.3) + (width === 2 ? 0.05 : 0) + seed * 0.02,
              layer,
              manifold,
              M: 10,
              capacity: width / 10 + (layer === 'logits' ? 1 : 0),
              capacity_std: 0.01,
              radius: 1,
              radius_std: 0.1,
              dimension: 3,
              dimension_std: 0.2,
              center_correlation: 0.2,
              note: '',
            });
          }
        }
      }
    }
  }
  return out;
}

test('double-descent figures: one noise kind at a time, widths ascending, seeds averaged with error bars', () => {
  const dd = rows();
  const e = doubleDescentErrors(dd, { noiseKind: 'symmetric', interpolationThreshold: 2 });
  assert.deepEqual(e.data[0].x, [1, 2, 4]);
  const test = e.data[0].y as number[];
  assert.ok(Math.abs(test[1] - 0.36) < 1e-12, 'symmetric rows, mean over the two seeds');
  assert.ok((e.data[0].error_y as { array: number[] }).array[0] > 0, 'seed spread as error bars');
  assert.equal((e.layout.shapes as unknown[]).length, 2, 'threshold marked in both panels');
  assert.deepEqual(
    e.data.slice(1).map((t) => t.yaxis),
    ['y2', 'y2', 'y2'],
    'training errors in the right panel',
  );
  assert.ok(Math.abs((doubleDescentErrors(dd).data[0].y as number[])[0] - 0.21) < 1e-12, 'default: the first noise kind (permute)');

  const g = doubleDescentGeometry(dd, 'capacity', { noiseKind: 'permute' });
  assert.match(String((g.layout.title as { text: string }).text), /logits/);
  assert.deepEqual(
    g.data.map((t) => t.name),
    ['unpermuted', 'restored', 'permuted'],
  );
  assert.deepEqual(g.data[0].y, [1.1, 1.2, 1.4]);

  const p = doubleDescentGeometryPanels(dd, { layer: 'fc1', noiseKind: 'permute', interpolationThreshold: 2 });
  assert.equal(p.data.length, 9, 'three measures × three manifold types');
  assert.deepEqual(
    p.data.map((t) => t.xaxis),
    ['x', 'x', 'x', 'x2', 'x2', 'x2', 'x3', 'x3', 'x3'],
  );
  assert.deepEqual(p.data[0].y, [0.1, 0.2, 0.4]);
  assert.deepEqual((p.data[3].error_y as { array: number[] }).array, [0.1, 0.1, 0.1], 'radius std over analysis seeds');
  assert.equal((p.layout.shapes as unknown[]).length, 3);
});
