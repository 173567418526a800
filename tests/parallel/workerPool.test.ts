import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'node:child_process';
import { parallelMap, WorkerPool } from 'memgeo';

const fixtures = path.join(__dirname, 'fixtures.js');

test('parallelMap returns outputs in order and uses several threads', async () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  let calls = 0;
  const out = await parallelMap<number, { value: number; thread: number }>(
    items,
    { module: fixtures, exportName: 'square' },
    { concurrency: 2, onResult: () => calls++ },
  );
  assert.deepEqual(
    out.map((o) => o.value),
    items.map((i) => i * i),
  );
  assert.equal(calls, 12);
  assert.equal(new Set(out.map((o) => o.thread)).size, 2);
});

test('parallelMap rejects with the failing item and message', async () => {
  await assert.rejects(
    parallelMap([1, 2, 3, 4], { module: fixtures, exportName: 'failOnThree' }, { concurrency: 2 }),
    /failOnThree failed on item 2: three is not allowed/,
  );
  await assert.rejects(parallelMap([1], { module: fixtures, exportName: 'nope' }), /not an exported function/);
});

test('WorkerPool takes items as they are produced, on several threads, and reports a failing item', async () => {
  const pool = new WorkerPool<number, { value: number; thread: number }>({ module: fixtures, exportName: 'square' }, 2);
  try {
    const pending: Promise<{ value: number; thread: number }>[] = [];
    for (let i = 0; i < 8; i++) {
      pending.push(pool.run(i));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const out = await Promise.all(pending);
    assert.deepEqual(
      out.map((o) => o.value),
      [0, 1, 4, 9, 16, 25, 36, 49],
    );
    assert.equal(new Set(out.map((o) => o.thread)).size, 2);
  } finally {
    await pool.close();
  }
  const failing = new WorkerPool<number, number>({ module: fixtures, exportName: 'failOnThree' }, 2);
  try {
    const results = await Promise.allSettled([1, 2, 3, 4].map((x) => failing.run(x)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[2] as PromiseRejectedResult).reason), /failOnThree failed: three is not allowed/);
  } finally {
    await failing.close();
  }
});

test('WorkerPool with two items per worker: each answer goes to its own item, while the caller is busy and with a failing item', async () => {
  const pool = new WorkerPool<number, { value: number; thread: number }>({ module: fixtures, exportName: 'square' }, 2, process.env, 2);
  try {
    const pending = Array.from({ length: 12 }, (_, i) => pool.run(i, i, i === 11));
    // This thread now blocks for longer than two items take: with one item per worker the workers
    // would sit idle; with two, the second item of each is already posted.
    const t0 = Date.now();
    while (Date.now() - t0 < 100) {
      /* busy */
    }
    const out = await Promise.all(pending);
    assert.deepEqual(
      out.map((o) => o.value),
      Array.from({ length: 12 }, (_, i) => i * i),
    );
    assert.equal(new Set(out.map((o) => o.thread)).size, 2);
  } finally {
    await pool.close();
  }
  const failing = new WorkerPool<number, number>({ module: fixtures, exportName: 'failOnThree' }, 2, process.env, 2);
  try {
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((x) => failing.run(x)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
  } finally {
    await failing.close();
  }
});

test('WorkerPool without keepAlive: a pending item holds the process until it is answered, idle threads do not', () => {
  // In a child process: one item is awaited with nothing else alive (it must still be answered),
  // then the pool is left open; the child must end by itself, well before the timeout.
  const script = `
    const { WorkerPool } = require(${JSON.stringify(require.resolve('memgeo'))});
    const pool = new WorkerPool({ module: ${JSON.stringify(fixtures)}, exportName: 'square' }, 2, process.env, 2, false);
    pool.run(7).then((o) => console.log('answer', o.value));`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /answer 49/);
  assert.ok(Date.now() - t0 < 25_000, 'the child ended by itself');
});
