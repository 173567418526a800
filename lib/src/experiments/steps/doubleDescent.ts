import type { Step } from './index';

/** Issue 8: double descent over width (Fig. 5). */
export const doubleDescentStep: Step = {
  name: 'double_descent',
  title: 'double descent over width (Fig. 5)',
  needs: [],
  async run() {
    throw new Error("step 'double_descent' is not implemented yet (issue 8)");
  },
};
