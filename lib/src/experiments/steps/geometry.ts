import { analyzeRun } from '../../geometry/analyzeRun';
import { simulatedCapacityPoints } from '../../geometry/simulatedCapacityPoints';
import type { Step } from './index';

/**
 * Issue 6: geometry across layers and epochs (Figs. 1B-3). analyzeRun on the preset's epochs (the
 * test-accuracy peak always among them) → run/geometry.csv, then the simulated-capacity check on a
 * subset of its cells → run/simcap.csv; both published to the results folder. Both tables are
 * upserted cell by cell, so an interrupted step resumes where it stopped.
 */
export const geometryStep: Step = {
  name: 'geometry',
  title: 'geometry across layers and epochs (Figs. 1B-3)',
  needs: ['train'],
  async run(exp) {
    const g = exp.preset.geometry;
    const run = exp.run();
    const r = await analyzeRun(run, { ...g.analysis, epochs: g.epochs, layers: g.layers, progress: exp.progress });
    exp.log(`geometry: ${r.computed} cells computed, ${r.reused} reused, ${r.epochs.length} epochs (${r.epochs.join(', ')}) × ${r.layers.length} layers × 3 manifold types, ${r.seconds.toFixed(1)} s`);
    exp.publish('geometry.csv');
    const s = await simulatedCapacityPoints(run, { ...g.analysis, points: g.simcap.points, nRep: g.simcap.nRep, simcapM: g.simcap.M, geometry: r.rows, progress: exp.progress });
    exp.log(`simcap: ${s.computed} points computed, ${s.reused} reused, ${s.seconds.toFixed(1)} s`);
    exp.publish('simcap.csv');
  },
};
