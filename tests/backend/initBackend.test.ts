// Backend selection, each case in a fresh process (initBackend decides once per process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const script = "require('memgeo').initBackend().then((b) => console.log(b), (e) => { console.error(e.message); process.exit(3); })";

function initIn(env: Record<string, string | undefined>): { status: number | null; stdout: string; stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.MEMGEO_QUIET;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, env: childEnv, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

function nativeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

test('initBackend picks tensorflow when tfjs-node loads, else wasm, and says so once on stderr', () => {
  const r = initIn({ MEMGEO_BACKEND: undefined });
  const expected = nativeInstalled() ? 'tensorflow' : 'wasm';
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, expected);
  assert.equal(r.stderr.match(/memgeo: tfjs backend = /g)?.length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`memgeo: tfjs backend = ${expected}`));
});

for (const name of ['wasm', 'cpu']) {
  test(`MEMGEO_BACKEND=${name} selects ${name}`, () => {
    const r = initIn({ MEMGEO_BACKEND: name });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, name);
    assert.match(r.stderr, new RegExp(`memgeo: tfjs backend = ${name} \\(MEMGEO_BACKEND\\)`));
  });
}

test('an unknown MEMGEO_BACKEND is a clear error listing the known backends', () => {
  const r = initIn({ MEMGEO_BACKEND: 'bogus' });
  assert.equal(r.status, 3);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /MEMGEO_BACKEND='bogus' is not a backend memgeo knows; use one of: tensorflow, wasm, cpu/);
});

test(
  'MEMGEO_BACKEND=tensorflow without tfjs-node is a clear error that says how to get it',
  { skip: nativeInstalled() && 'tfjs-node is installed here' },
  () => {
    const r = initIn({ MEMGEO_BACKEND: 'tensorflow' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /MEMGEO_BACKEND=tensorflow was requested but the backend cannot be used/);
    assert.match(r.stderr, /@tensorflow\/tfjs-node/);
    assert.match(r.stderr, /npm install @tensorflow\/tfjs-node@4\.22\.0/);
    assert.match(r.stderr, /MEMGEO_BACKEND=wasm/);
  },
);
