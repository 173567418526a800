import { initBackend } from '../../backend';
import { evaluateSplits, openRun } from '../../train';
import { type Command, UsageError } from '../command';
import { flags, parseFlags, parseRunDir, parseRunEpochs } from '../options';

const usage = `usage: memgeo eval RUN [--epoch E[,E...]] [--json]

Load the checkpoint(s) of a run directory and evaluate loss and accuracy on the unpermuted training
examples, the permuted ones (labels trained on), the same examples against their true labels
(restored), and the test set. Default: the last checkpoint.
  --epoch LIST   epochs to evaluate, e.g. 0,10,20 or 0-30:5 or 'all'
  --json         one JSON object per line instead of a table`;

export const command: Command = {
  name: 'eval',
  summary: 'evaluate a trained run at one or more checkpoints (four splits)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { ...flags('json'), epoch: { type: 'string' } }, true);
    const runDir = parseRunDir(positionals, usage);
    await initBackend();
    const run = openRun(runDir);
    if (run.epochs.length === 0) throw new UsageError(`${run.dir} has no checkpoints yet`);
    const epochs = parseRunEpochs(values.epoch, '--epoch', run.epochs, [run.epochs[run.epochs.length - 1]]);
    const data = await run.loadData();
    if (!values.json)
      console.log(
        `${run.dir}: ${run.config.dataset}, ${data.train.count} training examples (${run.noisy.isPermuted.reduce((a, v) => a + v, 0)} permuted), ${data.test.count} test\n${'epoch'.padStart(6)}  ${'split'.padEnd(17)} ${'count'.padStart(6)} ${'loss'.padStart(8)} ${'accuracy'.padStart(9)}`,
      );
    for (const epoch of epochs) {
      const model = run.loadModelAt(epoch);
      try {
        const metrics = await evaluateSplits(model, data);
        for (const m of metrics) {
          if (values.json) console.log(JSON.stringify({ epoch, ...m }));
          else
            console.log(
              `${String(epoch).padStart(6)}  ${m.split.padEnd(17)} ${String(m.count).padStart(6)} ${fmt(m.loss, 4).padStart(8)} ${fmt(m.accuracy, 4).padStart(9)}`,
            );
        }
      } finally {
        model.dispose();
      }
    }
    return 0;
  },
};

function fmt(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}
