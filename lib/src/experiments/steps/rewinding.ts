import { rewindSweep } from '../../rewind';
import type { Step } from './step';

/**
 * Layer rewinding (Fig. 4). Sweeps the preset's modes and epochs (the test-accuracy peak
 * always among them) into run/rewinding.csv and publishes it. Resumable: rows already in the table
 * are not measured again.
 */
export const rewindingStep: Step = {
  name: 'rewinding',
  title: 'layer rewinding (Fig. 4)',
  needs: ['train'],
  section: 'rewinding',
  outputs: ['rewinding.csv', 'rewinding.meta.json'],
  async run(exp) {
    const { epochs, modes } = exp.preset.rewinding;
    const result = await rewindSweep(exp.run(), { epochs, modes, progress: exp.progress });
    exp.log(
      `rewinding: ${result.rows.length} rows (${result.measured} measured now, ${result.evaluations} models evaluated) over epochs ${result.epochs.join(', ')} in ${result.seconds.toFixed(1)} s`,
    );
    exp.publish('rewinding.csv');
  },
};
