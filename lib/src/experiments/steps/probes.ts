import { atomicWriteFileSync } from '../../io/atomicWrite';
import { probeFindings, probeFindingsMarkdown, probeRun } from '../../probes';
import type { Step } from './step';

/**
 * Per-layer kNN and linear probes and prediction depth on the geometry's examples (same P, M, seed
 * and projection, and the geometry's layers unless the preset names others) → run/probes.csv and
 * run/prediction_depth.csv, published with probes_findings.md. Resumable epoch by epoch.
 */
export const probesStep: Step = {
  name: 'probes',
  title: 'per-layer kNN and linear probes, prediction depth',
  needs: ['train'],
  section: 'probes',
  outputs: ['probes.csv', 'prediction_depth.csv', 'probes.meta.json', 'probes_findings.md'],
  async run(exp) {
    const p = exp.preset.probes;
    const a = exp.preset.geometry.analysis;
    const r = await probeRun(exp.run(), {
      epochs: p.epochs,
      layers: p.layers ?? exp.preset.geometry.layers,
      k: p.k,
      metric: p.metric,
      heldOut: p.heldOut,
      P: a.P,
      M: p.M ?? a.M,
      projectionDim: a.projectionDim,
      progress: exp.progress,
      // The step owns these tables: when the preset's settings change it is invalidated and they are recomputed.
      replace: true,
    });
    exp.log(`probes: ${r.rows.length} rows over epochs ${r.epochs.join(', ')} (${r.computed} computed now) in ${r.seconds.toFixed(1)} s`);
    exp.publish('probes.csv');
    exp.publish('prediction_depth.csv');
    const f = probeFindings(r.rows, r.depthRows, exp.run().metrics(), { P: a.P });
    atomicWriteFileSync(
      exp.file('probes_findings.md'),
      `# Per-layer probes and prediction depth (${exp.preset.name})\n\n${probeFindingsMarkdown(f)}\n`,
    );
  },
};
