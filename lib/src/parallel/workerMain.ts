// Generic worker for parallelMap: loads the task module once, then answers {index, input} messages.
import { parentPort, workerData } from 'worker_threads';

const { module: modulePath, exportName } = workerData as { module: string; exportName: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mod = require(modulePath) as Record<string, (input: unknown) => unknown>;
const fn = mod[exportName];
if (typeof fn !== 'function') throw new Error(`parallelMap: '${exportName}' is not an exported function of ${modulePath}`);

parentPort!.on('message', async (msg: { index: number; input: unknown }) => {
  try {
    const output = await fn(msg.input);
    parentPort!.postMessage({ index: msg.index, output });
  } catch (err) {
    const e = err as Error;
    parentPort!.postMessage({ index: msg.index, error: { message: e?.message ?? String(err), stack: e?.stack, name: e?.name } });
  }
});
