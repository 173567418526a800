import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtTime, ProgressReporter, type EpochReport } from 'memgeo';
import { captureOutput as capture } from '../progress/capture';

const report = (epoch: number): EpochReport => ({
  epoch,
  epochs: 10,
  lr: 0.002,
  trainLoss: epoch === 0 ? NaN : 1.25,
  seconds: epoch === 0 ? 0 : 2.5,
  imagesPerSecond: epoch === 0 ? NaN : 800,
  metrics: [
    { split: 'train_unpermuted', loss: 0.5, accuracy: 0.9, count: 10 },
    { split: 'train_permuted', loss: 2, accuracy: 0.1, count: 5 },
    { split: 'train_restored', loss: 1, accuracy: 0.6, count: 5 },
    { split: 'test', loss: 0.6, accuracy: 0.85, count: 8 },
  ],
  checkpoint: null,
});

test('progress modes: compact lines on stdout for notebooks, full lines on stderr, a redrawn bar, or nothing', () => {
  const compact = capture(() => {
    const p = new ProgressReporter('compact', 10, 1000);
    p.batch(1, 500, 1.3, 0.5);
    p.epochDone(report(0));
    p.epochDone(report(3));
  });
  assert.deepEqual(compact.err, []);
  assert.equal(compact.out.length, 2);
  assert.equal(compact.out[1], 'ep 3/10 loss 1.250 acc unperm 0.900 perm 0.100 restored 0.600 test 0.850 (2.5 s)');
  const lines = capture(() => new ProgressReporter('lines', 10, 1000).epochDone(report(3)));
  assert.deepEqual(lines.out, []);
  assert.match(
    lines.err[0],
    /^epoch 3\/10 {2}lr 0\.00200 {2}loss 1\.250 {2}acc: unpermuted 0\.900 permuted 0\.100 restored 0\.600 test 0\.850 {2}2\.5 s, 800 img\/s\n$/,
  );
  const bar = capture(() => {
    const p = new ProgressReporter('bar', 10, 1000);
    p.batch(4, 1000, 0.75, 2);
  });
  // Epoch 4 done at 500 img/s: 6 more epochs of 1000 images = 12 s left.
  // eslint-disable-next-line no-control-regex -- the bar redraws its line with ESC[K
  assert.match(bar.err[0], /^\r\x1b\[Kepoch 4\/10 \[#{24}\] 100% loss 0\.7500 500 img\/s ETA 12s$/);
  const none = capture(() => {
    const p = new ProgressReporter('none', 10, 1000);
    p.batch(1, 10, 1, 1);
    p.epochDone(report(1));
    p.note('hello');
  });
  assert.deepEqual([none.out, none.err], [[], []]);
  assert.deepEqual([fmtTime(12.4), fmtTime(185), fmtTime(3725), fmtTime(NaN)], ['12s', '3m05s', '1h02m', '?']);
});
