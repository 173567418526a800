import type { Step } from './index';

/** Issue 9: gradient contributions of permuted examples (Fig. 6). */
export const gradientsStep: Step = {
  name: 'gradients',
  title: 'gradient contributions of permuted examples (Fig. 6)',
  needs: ['train'],
  async run() {
    throw new Error("step 'gradients' is not implemented yet (issue 9)");
  },
};
