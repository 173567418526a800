// One progress mode for a whole pipeline: training's reporter, the item counters and the pipeline's
// own messages all take it from the same place, MEMGEO_PROGRESS included, and a bad value is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fmtTime, formatSeconds, openExperiment, ProgressReporter, resolveProgressMode, taskProgress } from 'memgeo';
import { captureOutput as capture } from './capture';

/** Run `fn` with MEMGEO_PROGRESS set to `value` (unset for undefined) and MEMGEO_QUIET unset. */
function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = { progress: process.env.MEMGEO_PROGRESS, quiet: process.env.MEMGEO_QUIET };
  if (value === undefined) delete process.env.MEMGEO_PROGRESS;
  else process.env.MEMGEO_PROGRESS = value;
  delete process.env.MEMGEO_QUIET;
  try {
    return fn();
  } finally {
    for (const [k, v] of [
      ['MEMGEO_PROGRESS', saved.progress],
      ['MEMGEO_QUIET', saved.quiet],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('MEMGEO_PROGRESS decides the mode where the caller leaves it to auto; a mode asked for wins', () => {
  withEnv('compact', () => {
    assert.equal(resolveProgressMode(), 'compact');
    assert.equal(resolveProgressMode('auto'), 'compact');
    assert.equal(resolveProgressMode('none'), 'none');
    assert.equal(resolveProgressMode('lines'), 'lines');
  });
  withEnv('none', () => assert.equal(resolveProgressMode('auto'), 'none'));
  withEnv(undefined, () => assert.equal(resolveProgressMode('auto'), process.stderr.isTTY ? 'bar' : 'lines'));
});

test('training, the item counters and the pipeline all honour MEMGEO_PROGRESS the same way', () => {
  // Training's reporter defaults to auto: with MEMGEO_PROGRESS=compact its messages go to stdout.
  const training = withEnv('compact', () => capture(() => new ProgressReporter('auto', 2, 10).note('resuming')));
  assert.deepEqual(training, { out: ['resuming'], err: [] });
  const counter = withEnv('compact', () => capture(() => taskProgress('cells', 2).log('2 already there')));
  assert.deepEqual(counter, { out: ['2 already there'], err: [] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-progress-'));
  try {
    const pipeline = withEnv('lines', () => capture(() => openExperiment('smoke', { out: path.join(dir, 'results') }).log('== train')));
    assert.deepEqual(pipeline, { out: [], err: ['== train\n'] });
    const silent = withEnv('none', () => capture(() => openExperiment('smoke', { out: path.join(dir, 'results') }).log('== train')));
    assert.deepEqual(silent, { out: [], err: [] });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad MEMGEO_PROGRESS or mode is an InputError that names it and lists the modes', () => {
  for (const make of [
    (): unknown => resolveProgressMode(),
    (): unknown => new ProgressReporter('auto', 2, 10),
    (): unknown => taskProgress('cells', 2),
  ]) {
    assert.throws(
      () => withEnv('loud', make),
      (e: Error) =>
        e.name === 'InputError' && /^MEMGEO_PROGRESS: expected one of auto, bar, lines, compact, live, none, got 'loud'$/.test(e.message),
    );
  }
  assert.throws(
    () => withEnv(undefined, () => resolveProgressMode('verbose' as 'bar')),
    (e: Error) => e.name === 'InputError' && /^progress: expected one of .*, got 'verbose'$/.test(e.message),
  );
});

test('one seconds formatter: a decimal under a minute (none for ETAs), whole seconds above, never 60 in a field', () => {
  assert.deepEqual(
    [4.24, 59.4, 125.4, 3725].map((s) => formatSeconds(s)),
    ['4.2s', '59.4s', '2m05s', '1h02m'],
  );
  // Rounding carries into the next field instead of printing 60 seconds or minutes.
  assert.deepEqual(
    [59.97, 119.6, 3599.6].map((s) => formatSeconds(s)),
    ['1m00s', '2m00s', '1h00m'],
  );
  assert.deepEqual(
    [NaN, Infinity, -1].map((s) => formatSeconds(s)),
    ['?', '?', '?'],
  );
  assert.deepEqual([12.4, 59.6, 185].map(fmtTime), ['12s', '1m00s', '3m05s']);
  assert.equal(fmtTime(12.4), formatSeconds(12.4, 0));
});
