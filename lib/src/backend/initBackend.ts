import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';

/** The TensorFlow.js backends memgeo knows how to run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
const KNOWN: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

let chosen: Promise<BackendName> | null = null;

/**
 * Choose and initialise the TensorFlow.js backend, once per process (later calls return the same
 * answer). Order: native `tensorflow` (tfjs-node, if it is installed and loads), else `wasm` (with
 * memgeo's training kernels), else a clear error. `MEMGEO_BACKEND=wasm|cpu|tensorflow` forces one;
 * asking by name for a backend that cannot load is an error, never a silent fallback.
 * The choice is printed once to stderr and should be recorded with every run (`getBackendName()`).
 */
export function initBackend(): Promise<BackendName> {
  if (!chosen) chosen = choose();
  return chosen;
}

/**
 * Switch this process to backend `name` now (with memgeo's training kernels for wasm), regardless of
 * the `initBackend()` choice — for tests and benchmarks that compare backends. Throws with the same
 * hints as `initBackend` when the backend cannot load.
 */
export async function useBackend(name: BackendName): Promise<void> {
  if (!KNOWN.includes(name)) throw new Error(`useBackend: '${name}' is not a backend memgeo knows; use one of: ${KNOWN.join(', ')}`);
  try {
    await activate(name);
  } catch (err) {
    throw new Error(`backend '${name}' cannot be used: ${(err as Error).message.split('\n')[0]}${hint(name)}`);
  }
}

/** The backend chosen by `initBackend()`; throws if it has not run yet. */
export function getBackendName(): BackendName {
  const name = tf.getBackend() as BackendName;
  if (!name || !KNOWN.includes(name)) throw new Error('getBackendName: call `await initBackend()` first');
  return name;
}

async function choose(): Promise<BackendName> {
  const forced = process.env.MEMGEO_BACKEND?.trim();
  if (forced !== undefined && forced !== '' && !KNOWN.includes(forced as BackendName)) {
    throw new InputError(
      `MEMGEO_BACKEND='${forced}' is not a backend memgeo knows; use one of: ${KNOWN.join(', ')} (or unset it to choose automatically)`,
    );
  }
  const order: BackendName[] = forced ? [forced as BackendName] : ['tensorflow', 'wasm'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      await activate(name);
      if (!process.env.MEMGEO_QUIET) process.stderr.write(`memgeo: tfjs backend = ${name}${forced ? ' (MEMGEO_BACKEND)' : ''}\n`);
      return name;
    } catch (err) {
      const msg = (err as Error).message.split('\n')[0];
      if (forced) throw new InputError(`MEMGEO_BACKEND=${name} was requested but the backend cannot be used: ${msg}${hint(name)}`);
      failures.push(`${name}: ${msg}`);
    }
  }
  throw new Error(`memgeo: no usable TensorFlow.js backend.\n  ${failures.join('\n  ')}\nInstall dependencies with 'npm ci'.`);
}

function hint(name: BackendName): string {
  if (name === 'tensorflow') {
    return (
      ". The native backend is the optional dependency '@tensorflow/tfjs-node': `npm ci` installs it only where its install" +
      " script can download libtensorflow (not on this project's machines), or run `npm install @tensorflow/tfjs-node@4.22.0`" +
      ' there. Without it, unset MEMGEO_BACKEND or use MEMGEO_BACKEND=wasm (see environment.md, Backends).'
    );
  }
  if (name === 'wasm') return ". Is '@tensorflow/tfjs-backend-wasm' installed? Run `npm ci`.";
  return '';
}

async function activate(name: BackendName): Promise<void> {
  if (name === 'tensorflow') {
    // tfjs-node registers the 'tensorflow' backend on require; it is an optional dependency.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } else if (name === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-backend-wasm');
    const { installWasmTrainingKernels } = await import('./kernels');
    installWasmTrainingKernels();
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}
