import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../geometry/analyzeRun';
import { GEOMETRY_COLUMNS } from '../../geometry/geometryTable';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { probeRun } from '../../probes';
import { rewindSweep } from '../../rewind';
import { writeCsv } from '../../tables/csv';
import { openRun, train } from '../../train';
import type { Step } from './step';

/** Tables of the MLP run, published as `mlp_<name>` in the results folder. */
export const MLP_TABLES = ['metrics.csv', 'geometry.csv', 'rewinding.csv', 'probes.csv', 'prediction_depth.csv'];

/**
 * The architecture contrast (docs/small-scale.md): an MLP of about the main model's parameter count,
 * trained on the same data with the main run's settings (only the model differs), in `<out>/mlp/`,
 * then its geometry, layer rewinding and probes at the preset's `mlpContrast` settings. Every part
 * resumes as the main steps do. Does nothing when the preset has no `mlpContrast`.
 */
export const mlpContrastStep: Step = {
  name: 'mlp_contrast',
  title: 'architecture contrast: an MLP on the same data (training, geometry, rewinding, probes)',
  needs: ['train'],
  section: 'mlpContrast',
  outputs: ['mlp', ...MLP_TABLES.map((t) => `mlp_${t}`)],
  async run(exp) {
    const c = exp.preset.mlpContrast;
    if (!c) {
      exp.log('mlp_contrast: the preset has none');
      return;
    }
    const dir = exp.file('mlp');
    await train({ ...exp.preset.train, model: c.model }, { out: dir, progress: exp.progress });
    const run = openRun(dir);
    const g = await analyzeRun(run, { ...c.geometry.analysis, epochs: c.geometry.epochs, progress: exp.progress });
    writeCsv(path.join(dir, 'geometry.csv'), g.rows, GEOMETRY_COLUMNS);
    exp.log(`mlp geometry: ${g.computed} cells computed over epochs ${g.epochs.join(', ')} in ${g.seconds.toFixed(1)} s`);
    const r = await rewindSweep(run, { epochs: c.rewinding.epochs, modes: c.rewinding.modes, progress: exp.progress });
    exp.log(`mlp rewinding: ${r.measured} rows measured in ${r.seconds.toFixed(1)} s`);
    const a = c.geometry.analysis;
    const p = await probeRun(run, {
      epochs: c.probes.epochs,
      k: c.probes.k,
      P: a.P,
      M: a.M,
      projectionDim: a.projectionDim,
      progress: exp.progress,
      replace: true,
    });
    exp.log(`mlp probes: ${p.computed} epochs computed in ${p.seconds.toFixed(1)} s`);
    for (const t of MLP_TABLES) atomicWriteFileSync(exp.file(`mlp_${t}`), fs.readFileSync(path.join(dir, t)));
  },
};
