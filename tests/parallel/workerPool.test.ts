import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { parallelMap } from 'memgeo';

const fixtures = path.join(__dirname, 'fixtures.js');

test('parallelMap returns outputs in order and uses several threads', async () => {
  const items = Array.from({ length: 12 }, (_, i) => i);
  let calls = 0;
  const out = await parallelMap<number, { value: number; thread: number }>(items, { module: fixtures, exportName: 'square' }, { concurrency: 2, onResult: () => calls++ });
  assert.deepEqual(out.map((o) => o.value), items.map((i) => i * i));
  assert.equal(calls, 12);
  assert.equal(new Set(out.map((o) => o.thread)).size, 2);
});

test('parallelMap rejects with the failing item and message', async () => {
  await assert.rejects(parallelMap([1, 2, 3, 4], { module: fixtures, exportName: 'failOnThree' }, { concurrency: 2 }), /failOnThree failed on item 2: three is not allowed/);
  await assert.rejects(parallelMap([1], { module: fixtures, exportName: 'nope' }), /not an exported function/);
});
