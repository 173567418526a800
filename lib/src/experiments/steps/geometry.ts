import { analyzeRun } from '../../geometry/analyzeRun';
import { simulatedCapacityPoints } from '../../geometry/simulatedCapacityPoints';
import { GEOMETRY_COLUMNS, SIMCAP_COLUMNS } from '../../geometry/geometryTable';
import { writeCsv } from '../../tables/csv';
import type { Step } from './step';

/**
 * Geometry across layers and epochs (Figs. 1B-3). analyzeRun on the preset's epochs (the
 * test-accuracy peak always among them) → run/geometry.csv, then the simulated-capacity check on a
 * subset of its cells → run/simcap.csv; the rows of the preset's settings are published to the results folder. Both tables are
 * upserted cell by cell, so an interrupted step resumes where it stopped.
 */
export const geometryStep: Step = {
  name: 'geometry',
  title: 'geometry across layers and epochs (Figs. 1B-3)',
  needs: ['train'],
  section: 'geometry',
  outputs: ['geometry.csv', 'simcap.csv'],
  async run(exp) {
    const g = exp.preset.geometry;
    const run = exp.run();
    const r = await analyzeRun(run, { ...g.analysis, epochs: g.epochs, layers: g.layers, progress: exp.progress });
    exp.log(
      `geometry: ${r.computed} cells computed, ${r.reused} reused, ${r.epochs.length} epochs (${r.epochs.join(', ')}) × ${r.layers.length} layers × 3 manifold types, ${r.seconds.toFixed(1)} s`,
    );
    // The published tables hold this preset's rows only (run/ may also hold rows of other settings, e.g. from the CLI).
    writeCsv(exp.file('geometry.csv'), r.rows, GEOMETRY_COLUMNS);
    const s = await simulatedCapacityPoints(run, {
      ...g.analysis,
      points: g.simcap.points,
      nRep: g.simcap.nRep,
      simcapM: g.simcap.M,
      geometry: r.rows,
      progress: exp.progress,
    });
    exp.log(`simcap: ${s.computed} points computed, ${s.reused} reused, ${s.seconds.toFixed(1)} s`);
    writeCsv(exp.file('simcap.csv'), s.rows, SIMCAP_COLUMNS);
  },
};
