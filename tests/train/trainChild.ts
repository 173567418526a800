/**
 * Child process for the crash/resume test: `node trainChild.js OUT KILL_AT_EPOCH [fallback]` trains
 * SMALL_RUN into OUT and kills itself with SIGKILL right after epoch KILL_AT_EPOCH (-1: never).
 */
import { train } from 'memgeo';
import { SMALL_RUN, syntheticRunData } from './fixtures';

const [out, killAt, fallback] = process.argv.slice(2);
train(SMALL_RUN.config, {
  out,
  data: syntheticRunData(SMALL_RUN.data),
  progress: 'none',
  fallback: fallback === 'fallback',
  onEpoch: (r) => {
    if (r.epoch === Number(killAt)) process.kill(process.pid, 'SIGKILL');
  },
}).then(
  () => process.exit(0),
  (err) => {
    console.error(err.message);
    process.exit(3);
  },
);
