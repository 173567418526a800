import * as fs from 'fs';
import * as path from 'path';
import { doubleDescentFindingsMarkdown, SWEEP_FILES, widthSweep } from '../../doubleDescent';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import type { Step } from './step';

/**
 * Double descent over width (Fig. 5). The sweep's runs live in `<out>/double-descent/`
 * (one run directory per noise kind and width, resumable point by point); the tidy table
 * double_descent.csv and its summary are published into the results folder.
 */
export const doubleDescentStep: Step = {
  name: 'double_descent',
  title: 'double descent over width (Fig. 5)',
  needs: [],
  section: 'doubleDescent',
  outputs: ['double_descent.csv', 'double_descent_summary.json', 'double-descent'],
  keep: { keys: ['widths'], outputs: ['double-descent'] },
  async run(exp) {
    const dd = exp.preset.doubleDescent;
    const result = await widthSweep(
      {
        base: dd.base,
        widths: dd.widths,
        noiseKinds: dd.noiseKinds,
        layers: dd.layers,
        analysis: dd.analysis,
        seeds: dd.seeds,
        interpolationTolerance: dd.interpolationTolerance,
      },
      { out: exp.file('double-descent'), progress: exp.progress },
    );
    for (const f of [SWEEP_FILES.table, SWEEP_FILES.summary]) atomicWriteFileSync(exp.file(f), fs.readFileSync(path.join(result.out, f)));
    exp.log(doubleDescentFindingsMarkdown(result.findings));
  },
};
