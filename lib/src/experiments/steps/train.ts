import { train } from '../../train';
import type { Step } from './step';

/** The main run: train with permuted labels, a checkpoint per epoch, metrics.csv (paper Fig. 2 top). */
export const trainStep: Step = {
  name: 'train',
  title: 'train with permuted labels, checkpoint every epoch',
  needs: [],
  section: 'train',
  outputs: [],
  async run(exp) {
    await train(exp.preset.train, { out: exp.runDir, progress: exp.progress });
    exp.publish('metrics.csv');
  },
};
