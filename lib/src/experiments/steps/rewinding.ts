import type { Step } from './index';

/** Issue 7: layer rewinding (Fig. 4). */
export const rewindingStep: Step = {
  name: 'rewinding',
  title: 'layer rewinding (Fig. 4)',
  needs: ['train'],
  async run() {
    throw new Error("step 'rewinding' is not implemented yet (issue 7)");
  },
};
