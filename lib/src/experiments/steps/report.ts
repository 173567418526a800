import * as fs from 'fs';
import { getBackendName, initBackend } from '../../backend';
import * as path from 'path';
import { readFindings, siblingFindingsDirs, writeReport, type ReportSection } from '../../report';
import {
  doubleDescentSection,
  geometrySection,
  architectureSection,
  gradientsSection,
  probesSection,
  rewindingSection,
  trainingSection,
} from '../reportSections';
import { reportSetting } from '../reportSetting';
import type { Step } from './step';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const MEMGEO_VERSION = (require('../../../package.json') as { version: string }).version;

/** Every figure (HTML, PNG, SVG) and report.md / report.html, one section per finding. */
export const reportStep: Step = {
  name: 'report',
  title: 'figures and report',
  needs: ['train', 'geometry', 'rewinding', 'double_descent', 'gradients', 'probes', 'mlp_contrast'],
  section: null,
  outputs: ['report.md', 'report.html', 'findings.csv', 'figures'],
  async run(exp) {
    await initBackend();
    const sections = [
      trainingSection(exp),
      geometrySection(exp),
      rewindingSection(exp),
      doubleDescentSection(exp),
      gradientsSection(exp),
      probesSection(exp),
      architectureSection(exp),
    ].filter((s): s is ReportSection => s !== null);
    const config = JSON.parse(fs.readFileSync(exp.file('run/config.json'), 'utf8')) as { run?: { backend?: string } };
    const timings = exp.table('timings').map((t) => ({ step: String(t.step), seconds: Number(t.seconds) }));
    // Other presets' results beside this folder (results/default, results/cifar, …): one table of verdicts.
    // A folder whose findings.csv cannot be read is left out with a note, never a reason to fail the report.
    const comparison = siblingFindingsDirs(exp.out).flatMap((dir) => {
      try {
        return [{ source: path.relative(path.dirname(path.resolve(exp.out)), dir), rows: readFindings(dir) }];
      } catch (err) {
        exp.log(`report: ${dir} left out of the comparison across presets: ${(err as Error).message}`);
        return [];
      }
    });
    const written = await writeReport(
      sections,
      {
        title: 'memgeo: the geometry of generalization and memorization, reproduced',
        preset: exp.preset.name,
        presetDescription: exp.preset.description,
        backend: config.run?.backend ?? getBackendName(),
        memgeoVersion: MEMGEO_VERSION,
        generatedAt: new Date().toISOString(),
        timings,
        setting: reportSetting(exp, timings),
        comparison,
      },
      exp.out,
    );
    exp.log(
      `report: ${written.markdown}, ${written.html} (${written.figures.length} figures${written.images ? ', with PNG/SVG' : ', no Chromium: HTML only'})`,
    );
  },
};
