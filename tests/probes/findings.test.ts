import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  probeFindings,
  probeFindingsMarkdown,
  probeFindingsTable,
  probeCapacityComparison,
  probeCapacityMarkdown,
  InputError,
  type Row,
} from 'memgeo';

const LAYERS = ['input', 'conv1', 'conv2', 'fc1', 'logits'];

/** metrics.csv with the test peak at epoch 5 and memorization by epoch 20. */
function metrics(): Row[] {
  const rows: Row[] = [];
  for (const [epoch, test, perm] of [
    [0, 0.1, 0.1],
    [5, 0.9, 0.2],
    [20, 0.6, 1],
  ] as const) {
    rows.push(
      { epoch, split: 'test', accuracy: test, loss: 0, count: 100 },
      { epoch, split: 'train_permuted', accuracy: perm, loss: 0, count: 100 },
      { epoch, split: 'train_unpermuted', accuracy: 1, loss: 0, count: 100 },
      { epoch, split: 'train_restored', accuracy: 0.5, loss: 0, count: 100 },
    );
  }
  return rows;
}

/** Probe rows from a function of (epoch, layer index, type). */
function probes(acc: (epoch: number, li: number, kind: string) => number): Row[] {
  const rows: Row[] = [];
  for (const epoch of [0, 5, 20])
    LAYERS.forEach((layer, li) => {
      for (const manifold of ['unpermuted', 'permuted', 'restored'])
        for (const probe of ['knn', 'knn_loo', 'linear']) {
          rows.push({
            epoch,
            layer,
            layer_index: li,
            manifold,
            probe,
            k: probe === 'linear' ? null : 30,
            accuracy: acc(epoch, li, manifold),
            n_fit: 500,
            n_eval: 400,
            seed: 0,
          });
        }
    });
  return rows;
}

const depth = (gap: number): Row[] =>
  [20, 5].flatMap((epoch) =>
    Array.from({ length: 20 }, (_, i) => ({ epoch, example: i, group: i < 10 ? 'unpermuted' : 'permuted', depth: i < 10 ? 1 : 1 + gap })),
  );

test('probeFindings: the paper-like picture holds every claim; a flat one holds none of the change claims', () => {
  // Permuted labels readable only late and only in the last layers; true labels of permuted examples lost there.
  const paperLike = probes((e, li, kind) =>
    kind === 'permuted' ? (e === 20 && li >= 3 ? 0.1 + 0.2 * (li - 2) : 0.12) : kind === 'restored' && e === 20 && li >= 3 ? 0.5 : 0.9,
  );
  const f = probeFindings(paperLike, depth(2), metrics(), { P: 10 });
  assert.equal(f.peakEpoch, 5);
  assert.equal(f.lastEpoch, 20);
  assert.deepEqual(f.firstLayers, ['conv1']);
  assert.deepEqual(f.lastLayers, ['fc1']);
  assert.deepEqual(
    f.claims.map((c) => [c.id, c.held]),
    [
      ['permuted_knn_chance_at_peak', true],
      ['permuted_knn_rises_last_layers', true],
      ['restored_knn_falls_last_layers', true],
      ['restored_knn_high_first_layers', true],
      ['permuted_deeper', true],
    ],
  );
  assert.match(probeFindingsMarkdown(f), /\*\*held\*\*/);
  const t = probeFindingsTable(f);
  assert.deepEqual(
    t.rows.map((r) => r[0]),
    f.layers,
  );
  for (const r of t.rows) assert.equal(r.length, t.columns.length);
  assert.match(t.rows[0][1], /^\d\.\d{3} → \d\.\d{3}$/);
  // Nothing changes and depths are equal: only "near chance" and "stays high" hold.
  const flat = probeFindings(
    probes((_e, _li, kind) => (kind === 'permuted' ? 0.12 : 0.9)),
    depth(0),
    metrics(),
    { P: 10 },
  );
  assert.deepEqual(
    flat.claims.map((c) => c.held),
    [true, false, false, true, false],
  );
  // Permuted labels readable at the peak: the first claim fails and says where.
  const early = probeFindings(
    probes((_e, li, kind) => (kind === 'permuted' && li === 2 ? 0.5 : 0.9)),
    depth(0),
    metrics(),
    { P: 10 },
  );
  assert.equal(early.claims[0].held, false);
  assert.match(early.claims[0].evidence, /conv2 0\.500/);
  assert.throws(() => probeFindings([], [], metrics(), { P: 10 }), InputError);
});

test('probeCapacityComparison: capacity and probe accuracy of the same cells, with their rank agreement', () => {
  const pr = probes((e, li) => 0.1 + 0.1 * li + e / 100);
  const geometry: Row[] = pr
    .filter((r) => r.probe === 'knn')
    .map((r) => ({
      epoch: r.epoch,
      layer: r.layer,
      layer_index: r.layer_index,
      manifold: r.manifold,
      capacity: 0.05 * (Number(r.layer_index) + 1),
    }));
  const c = probeCapacityComparison(geometry, pr);
  assert.equal(c.rows.length, 3 * 5 * 3);
  assert.ok(c.agreement.length > 0, 'an agreement row per analysed epoch');
  assert.ok(c.agreement.every((a) => a.rhoKnn > 0.99 && a.cells === 15));
  const md = probeCapacityMarkdown(c, [5, 20]);
  assert.match(md, /\| fc1 \| permuted \| 0\.200 \| 0\.450 \| 0\.450 \| 0\.200 \| 0\.600 \| 0\.600 \|/);
});
