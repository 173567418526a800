import type { EpochSelection } from '../../train/selectEpochs';
import { missingMetricsNote, openRun } from '../../train';
import { REWIND_MODES, rewindingFindings, rewindSweep, type RewindMode } from '../../rewind';
import { type Command, UsageError } from '../command';
import { flags, MAX_LIST_LENGTH, parseEpochList, parseFlags, parseNumber, parseQuiet, parseRunDir, parseWorkers } from '../options';

const usage = `usage: memgeo rewind RUN [--mode single|last|first] [--epochs LIST | --epoch-count N] [--out FILE] [--workers N]

Layer rewinding (paper Fig. 4): the final model of the run directory RUN with some layers' parameters
(batch-norm statistics included) reverted to an earlier checkpoint, evaluated on the test set and on
the unpermuted, permuted (labels trained on) and restored (true labels) training examples. Rows go to
a tidy table (default RUN/rewinding.csv); rows already there are not measured again, so an interrupted
sweep continues where it stopped. Then prints the findings: test accuracy after rewinding the last
layers and the first layer to the test-accuracy peak, and the share of the peak-to-final drop recovered.
  --mode LIST        single (each layer alone), last (last L layers), first (first L layers, the
                     control); comma-separated or repeated; default all three
  --epochs LIST      epochs to rewind to, e.g. 0,9,20 or 0-40:5, or 'all'
  --epoch-count N    about N epochs spread over the run, always with 0, the test peak and the last
                     (default 8)
  --out FILE         the table (default RUN/rewinding.csv)
  --workers N        worker threads (default: one per core)
  --quiet            no progress, only the findings`;

export const command: Command = {
  name: 'rewind',
  summary: 'layer rewinding sweeps of a trained run (paper Fig. 4) into rewinding.csv',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        ...flags('epochs', 'out', 'workers'),
        mode: { type: 'string', multiple: true },
        'epoch-count': { type: 'string' },
        quiet: { type: 'boolean' },
      },
      true,
    );
    const runDir = parseRunDir(positionals, usage);
    const modes = (values.mode ?? REWIND_MODES)
      .flatMap((m) => m.split(','))
      .map((m) => m.trim())
      .filter(Boolean);
    for (const m of modes)
      if (!(REWIND_MODES as string[]).includes(m)) throw new UsageError(`--mode: '${m}' is not one of ${REWIND_MODES.join(', ')}`);
    if (values.epochs !== undefined && values['epoch-count'] !== undefined)
      throw new UsageError('give --epochs or --epoch-count, not both');
    let epochs: EpochSelection = { count: 8 };
    if (values.epochs === 'all') epochs = 'all';
    else if (values.epochs !== undefined) epochs = parseEpochList(values.epochs, '--epochs');
    else if (values['epoch-count'] !== undefined)
      epochs = { count: parseNumber(values['epoch-count'], '--epoch-count', { integer: true, min: 2, max: MAX_LIST_LENGTH })! };
    const workers = parseWorkers(values.workers);
    const progress = parseQuiet(values.quiet);
    const run = openRun(runDir);
    const result = await rewindSweep(run, {
      modes: modes as RewindMode[],
      epochs,
      out: values.out,
      concurrency: workers,
      progress,
    });
    console.log(
      `${result.file}: ${result.rows.length} rows (${result.measured} measured now, ${result.evaluations} models evaluated, ${result.seconds.toFixed(1)} s); layers ${result.layerNames.join(', ')}; epochs ${result.epochs.join(', ')}; final epoch ${result.baseEpoch}`,
    );
    const metrics = run.metrics();
    if (metrics.length > 0) for (const line of rewindingFindings(result.rows, metrics).lines) console.log(line);
    else console.log(`no findings: ${missingMetricsNote(run.dir, 'the findings and the test-accuracy peak among the epochs')}`);
    return 0;
  },
};
