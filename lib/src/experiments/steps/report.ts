import type { Step } from './index';

/** Issue 10: figures and report. */
export const reportStep: Step = {
  name: 'report',
  title: 'figures and report',
  needs: ['train', 'geometry', 'rewinding', 'double_descent', 'gradients'],
  async run() {
    throw new Error("step 'report' is not implemented yet (issue 10)");
  },
};
