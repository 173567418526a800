// Without Jupyter, notebook tests skip loudly (and say what to install), except under CI=true where
// they fail. Simulated by pointing the harness at a python that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './harness';

const harnessTest = path.join(__dirname, 'harness.test.js');

function runWithoutJupyter(ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, MEMGEO_JUPYTER_PYTHON: '/nonexistent/python3' };
  delete env.NODE_TEST_CONTEXT; // we are inside a test run; the child is a run of its own
  if (ci) env.CI = 'true';
  else delete env.CI;
  const r = spawnSync(process.execPath, ['--test', harnessTest], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('without Jupyter, notebook tests skip with a loud message naming the apt packages', () => {
  const r = runWithoutJupyter(false);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /# skipped 2/);
  assert.match(r.out, /!! SKIPPING tests\/notebooks\/fixtures\/smoke\.ipynb: Jupyter is missing/);
  assert.match(r.out, /apt-get install -y --no-install-recommends jupyter-nbconvert python3-nbclient python3-ipykernel/);
});

test('without Jupyter under CI=true, notebook tests fail', () => {
  const r = runWithoutJupyter(true);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /# fail 1/);
  assert.match(r.out, /CI=true: notebook tests must run/);
  assert.match(r.out, /jupyter-nbconvert python3-nbclient python3-ipykernel/);
});
