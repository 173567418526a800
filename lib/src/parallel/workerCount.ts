import * as os from 'os';
import { InputError } from '../errors';

/** Cores this process may use (Node's `availableParallelism`, else the CPU count). */
export function availableCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

const capNoted = new Set<string>();

/**
 * A worker count given by the user (`--workers N`, `MEMGEO_WORKERS`, a library option), checked:
 * anything but a whole number ≥ 1 is an `InputError` naming `source`; a count above the cores
 * available is capped to them, with a message on stderr (once per source and value, also under MEMGEO_QUIET), never silently.
 */
export function parseWorkerCount(value: string | number, source: string): number {
  const text = String(value).trim();
  const n = typeof value === 'number' ? value : /^[+]?\d+$/.test(text) ? Number(text) : NaN;
  const cores = availableCores();
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError(`${source}: '${text}' is not a worker count; give a whole number from 1 to ${cores} (the cores available here)`);
  }
  if (n > cores) {
    const key = `${source}=${n}`;
    if (!capNoted.has(key)) process.stderr.write(`memgeo: ${source}=${n} is more than the ${cores} cores available; using ${cores}\n`);
    capNoted.add(key);
    return cores;
  }
  return n;
}

/** `MEMGEO_WORKERS` checked by `parseWorkerCount`, or undefined when it is unset or empty. */
export function workersFromEnv(): number | undefined {
  const raw = process.env.MEMGEO_WORKERS;
  if (raw === undefined || raw.trim() === '') return undefined;
  return parseWorkerCount(raw, 'MEMGEO_WORKERS');
}

/** Default parallelism: `MEMGEO_WORKERS` (checked, capped at the cores), else the cores available. */
export function defaultConcurrency(): number {
  return workersFromEnv() ?? availableCores();
}
