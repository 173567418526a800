import type { Step } from './index';

/** Issue 6: geometry across layers and epochs (Figs. 1B-3). */
export const geometryStep: Step = {
  name: 'geometry',
  title: 'geometry across layers and epochs (Figs. 1B-3)',
  needs: ['train'],
  async run() {
    throw new Error("step 'geometry' is not implemented yet (issue 6)");
  },
};
