// `memgeo notebook`: Jupyter on 127.0.0.1 with a token URL and the repository's tslab kernel as the
// default; clear messages (exit 2) when Jupyter is missing or the port is taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notebookServerMissing } from 'memgeo';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'lib', 'bin', 'memgeo.js');
const noServer = notebookServerMissing();

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test('without Jupyter Notebook: exit 2 naming the apt package', () => {
  const r = spawnSync(process.execPath, [bin, 'notebook', '--port', '0'], {
    encoding: 'utf8',
    env: { ...process.env, MEMGEO_JUPYTER_PYTHON: '/nonexistent/python3' },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /apt-get install -y --no-install-recommends jupyter-notebook/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('a --port in use: exit 2 with a clear message', { skip: noServer ?? false }, async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [bin, 'notebook', '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('close', (code) => resolve({ code, err }));
    });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*--port`));
  } finally {
    blocker.close();
  }
});

test(
  'serves notebooks/ on 127.0.0.1 behind a token, tslab the default kernel; Ctrl-C stops it',
  { skip: noServer ?? false, timeout: 120_000 },
  async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nbcli-'));
    const env = {
      ...process.env,
      JUPYTER_CONFIG_DIR: path.join(state, 'config'),
      JUPYTER_DATA_DIR: path.join(state, 'data'),
      JUPYTER_RUNTIME_DIR: path.join(state, 'runtime'),
    };
    const child = spawn(process.execPath, [bin, 'notebook', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /open: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{16,})/.exec(out);
          if (m) resolve(m[1]);
        });
        void exited.then((c) => reject(new Error(`exited ${c} before printing its URL:\n${out}`)));
      });
      const u = new URL(url);
      const token = u.searchParams.get('token')!;
      const specs = await get(`${u.origin}/api/kernelspecs`, { Authorization: `token ${token}` });
      assert.equal(specs.status, 200);
      const parsed = JSON.parse(specs.body) as { default: string; kernelspecs: Record<string, { spec: { argv: string[] } }> };
      assert.equal(parsed.default, 'tslab');
      assert.equal(parsed.kernelspecs.tslab.spec.argv[0], path.join(root, 'node_modules', '.bin', 'tslab'));
      const tree = await get(`${u.origin}/api/contents`, { Authorization: `token ${token}` });
      assert.match(tree.body, /00-overview\.ipynb/, 'serves notebooks/');
      const anonymous = await get(`${u.origin}/api/contents`);
      assert.equal(anonymous.status, 403, 'no access without the token');
      const bundle = await get(`${u.origin}/nbextensions/memgeo/plotly.js`, { Authorization: `token ${token}` });
      assert.equal(bundle.status, 200, 'the local Plotly bundle is served');
      assert.match(bundle.body.slice(0, 200), /plotly\.js v/);
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      fs.rmSync(state, { recursive: true, force: true });
    }
  },
);
