/*
 * Start classic Jupyter Notebook on a folder of notebooks, safely: listening on 127.0.0.1 only, with a
 * random token (the URL to open carries it), the repository's tslab kernel (the default for new
 * notebooks) and the local Plotly bundle (see `jupyterSetup.ts`). `memgeo notebook` and the browser
 * test both start Jupyter this way.
 */

import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { InputError } from '../errors';
import { jupyterPython, notebookServerMissing, prepareJupyter } from './jupyterSetup';

export interface NotebookServerOptions {
  /** Repository root: where `.jupyter/` (kernelspec, Plotly bundle) and `node_modules/.bin/tslab` are. */
  root: string;
  /** Folder Jupyter serves (its notebooks' kernels run there, so `import 'memgeo'` resolves upward). */
  dir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Extra environment for the server (and so for its kernels), e.g. isolated JUPYTER_CONFIG_DIR in tests. */
  env?: Record<string, string>;
  /** Seconds to wait for the server to answer; default 60. */
  startTimeoutS?: number;
  /** Called with each chunk of the server's log (stderr); default: discarded. */
  onLog?: (text: string) => void;
}

export interface NotebookServer {
  port: number;
  token: string;
  /** Base URL with the token, e.g. http://127.0.0.1:8888/?token=… (what the user opens). */
  url: string;
  /** URL of one notebook (path relative to `dir`), with the token. */
  notebookUrl(relPath: string): string;
  process: ChildProcess;
  /** Stop the server (SIGTERM, then SIGKILL after 5 s); resolves when it exited. */
  stop(): Promise<void>;
  /** Resolves with the exit code when the server exits by itself or is stopped. */
  exited: Promise<number | null>;
}

/** Resolves to true when `port` can be bound on 127.0.0.1 (nothing listens there). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port that is free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Mark notebooks as trusted in the user's Jupyter signature store (`jupyter trust`), so that classic
 * Notebook runs their stored HTML outputs' scripts (the interactive figures); returns how many.
 */
export function trustNotebooks(files: string[], env: NodeJS.ProcessEnv = process.env): number {
  if (files.length === 0) return 0;
  const r = spawnSync(jupyterPython(), ['-m', 'nbformat.sign', ...files], { encoding: 'utf8', env });
  return r.status === 0 ? files.length : 0;
}

/** HTTP status of a GET with Jupyter's token header, or 0 when nothing answers (http, not fetch: fetch refuses some ports). */
function httpStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers: { Authorization: `token ${token}` }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export async function startNotebookServer(opts: NotebookServerOptions): Promise<NotebookServer> {
  const missing = notebookServerMissing();
  if (missing) throw new InputError(missing);
  if (!fs.existsSync(opts.dir) || !fs.statSync(opts.dir).isDirectory()) throw new InputError(`notebook folder not found: ${opts.dir}`);
  const requested = opts.port ?? 8888;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535)
    throw new InputError(`--port: ${requested} is not a TCP port (0–65535)`);
  if (requested !== 0 && !(await portIsFree(requested))) {
    throw new InputError(
      `port ${requested} on 127.0.0.1 is already in use (another Jupyter?): choose another with --port, or --port 0 for any free port`,
    );
  }
  const port = requested === 0 ? await freePort() : requested;
  const jupyterPath = prepareJupyter(opts.root);
  const token = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    // the token through the environment, so it does not show in `ps`
    JUPYTER_TOKEN: token,
  };
  const args = [
    '-m',
    'notebook',
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--NotebookApp.port_retries=0',
    `--notebook-dir=${path.resolve(opts.dir)}`,
    '--MappingKernelManager.default_kernel_name=tslab',
  ];
  // Containers and CI machines often run as root, which Notebook refuses without this flag.
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child = spawn(jupyterPython(), args, { cwd: opts.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const onData = (d: Buffer) => {
    const s = d.toString();
    log = (log + s).slice(-8000);
    opts.onLog?.(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const base = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (opts.startTimeoutS ?? 60) * 1000;
  for (;;) {
    if (gone) throw new Error(`Jupyter Notebook exited while starting:\n${log}`);
    if ((await httpStatus(`${base}api/status`, token)) === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Jupyter Notebook did not answer on ${base} within ${opts.startTimeoutS ?? 60} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    port,
    token,
    url: `${base}?token=${token}`,
    notebookUrl: (rel) => `${base}notebooks/${rel.split(path.sep).map(encodeURIComponent).join('/')}?token=${token}`,
    process: child,
    stop,
    exited,
  };
}
