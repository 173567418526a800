import * as fs from 'fs';
import * as path from 'path';
import { atomicWriteFileSync } from '../../io/atomicWrite';
import { analyzeRunGradients, gradientFindingsMarkdown, GRADIENT_FILES, gradientFindings } from '../../gradients';
import { selectEpochs } from '../../train/selectEpochs';
import type { Step } from './step';

/**
 * Gradient contributions of permuted examples (Fig. 6; docs/paper.md §6), of the total gradient and
 * of its label-independent and label-dependent parts. Writes gradients.csv, gradient_scaling.csv and
 * gradient_slopes.csv in the run directory (resumable per epoch), publishes them, and writes
 * gradients_findings.md (the verdicts of `gradientFindings`).
 */
export const gradientsStep: Step = {
  name: 'gradients',
  title: 'gradient contributions of permuted examples (Fig. 6)',
  needs: ['train'],
  section: 'gradients',
  outputs: ['gradients.csv', 'gradient_scaling.csv', 'gradient_slopes.csv', 'gradients_findings.md'],
  async run(exp) {
    const run = exp.run();
    const settings = exp.preset.gradients;
    const peak = run.peakTestEpoch();
    const epochs = selectEpochs(settings.epochs, run.epochs, peak ? [peak.epoch] : []);
    const scalingEpochs = selectEpochs(settings.scaling.epochs, run.epochs);
    const reference = settings.reference ?? 'uniform';
    exp.log(
      `gradients: ${epochs.length} checkpoints; scaling check at epoch(s) ${scalingEpochs.join(', ')} with n = ${settings.scaling.ns.join(', ')}, ${settings.scaling.draws} draws; parts split with ū = ${reference}`,
    );
    const result = await analyzeRunGradients(run, {
      epochs,
      scaling: { ...settings.scaling, epochs: scalingEpochs },
      reference,
      progress: exp.progress,
    });
    for (const file of Object.values(GRADIENT_FILES)) if (fs.existsSync(path.join(exp.runDir, file))) exp.publish(file);
    const findings = gradientFindings(result.gradients, result.scaling, run.metrics());
    atomicWriteFileSync(
      exp.file('gradients_findings.md'),
      `# Gradient contributions of permuted examples (${exp.preset.name})\n\n${gradientFindingsMarkdown(findings)}\n`,
    );
  },
};
