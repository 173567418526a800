// In a notebook (a tslab kernel), progress of long steps is one output line updated in place
// (update_display_data with one display id), not a scrolling log; outside one, nothing changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taskProgress, resolveProgressMode, LiveLine, ProgressReporter, type EpochReport } from 'memgeo';

type Msg = { data: Record<string, unknown>; transient: { display_id?: string } };

async function inFakeKernel<T>(fn: (sent: Array<{ msg: Msg; update: boolean }>) => T | Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const saved = jupyter.lastWriteDisplayData;
  const sent: Array<{ msg: Msg; update: boolean }> = [];
  jupyter.lastWriteDisplayData = (msg: Msg, update: boolean) => sent.push({ msg, update });
  try {
    return await fn(sent);
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
}

test('taskProgress in a notebook: one display, updated in place, ending with the summary', async () => {
  const saved = process.env.MEMGEO_QUIET;
  delete process.env.MEMGEO_QUIET;
  try {
    await inFakeKernel((sent) => {
      assert.equal(resolveProgressMode('auto'), 'live');
      const p = taskProgress('geometry', 3);
      p.tick(1, 'epoch 0 conv1');
      p.tick(1);
      p.tick(1, 'epoch 9 fc1');
      p.done('3 cells');
      assert.ok(sent.length >= 2, `${sent.length} messages`);
      const ids = new Set(sent.map((s) => s.msg.transient.display_id));
      assert.equal(ids.size, 1, 'one display id');
      assert.deepEqual(
        sent.map((s) => s.update),
        [false, ...sent.slice(1).map(() => true)],
        'first shown, then updated',
      );
      assert.match(String(sent.at(-1)!.msg.data['text/plain']), /^geometry: 3\/3 done in .* — 3 cells$/);
    });
  } finally {
    if (saved !== undefined) process.env.MEMGEO_QUIET = saved;
  }
  assert.notEqual(resolveProgressMode('auto'), 'live', 'outside a kernel: the terminal/log modes');
  assert.equal(resolveProgressMode('live'), 'compact', "'live' asked for outside a notebook falls back to stdout lines");
});

test('LiveLine throttles intermediate updates but always shows the final text', async () => {
  await inFakeKernel((sent) => {
    const line = new LiveLine(60_000);
    line.update('a');
    line.update('b');
    line.update('c');
    assert.equal(sent.length, 1);
    line.finish();
    assert.equal(sent.length, 2);
    assert.equal(sent[1].msg.data['text/plain'], 'c');
    assert.equal(sent[1].update, true);
  });
});

test('training progress in a notebook: the running epoch and the last finished one, on one updated line', async () => {
  await inFakeKernel((sent) => {
    const p = new ProgressReporter('live', 2, 100);
    assert.equal(p.mode, 'live');
    const report = (epoch: number): EpochReport => ({
      epoch,
      epochs: 2,
      lr: 0.001,
      trainLoss: 1 / (epoch + 1),
      seconds: 1,
      imagesPerSecond: 100,
      checkpoint: null,
      metrics: ['train_unpermuted', 'train_permuted', 'train_restored', 'test'].map((split) => ({
        split,
        loss: 1,
        accuracy: 0.5,
        count: 10,
      })) as EpochReport['metrics'],
    });
    p.epochDone(report(0));
    p.batch(1, 50, 0.7, 0.5);
    p.epochDone(report(1));
    p.epochDone(report(2));
    assert.equal(new Set(sent.map((s) => s.msg.transient.display_id)).size, 1);
    assert.match(String(sent.at(-1)!.msg.data['text/plain']), /^2\/2 epochs done \| epoch 2: loss 0\.333, accuracy unpermuted 0\.500/);
  });
});
