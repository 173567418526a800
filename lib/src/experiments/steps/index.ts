import type { Experiment } from '../experiment';
import type { Preset } from '../presets';
import { MLP_TABLES } from './mlpContrast';
import { trainStep } from './train';
import { geometryStep } from './geometry';
import { rewindingStep } from './rewinding';
import { doubleDescentStep } from './doubleDescent';
import { gradientsStep } from './gradients';
import { probesStep } from './probes';
import { mlpContrastStep } from './mlpContrast';
import { reportStep } from './report';

/** The steps of a reproduction, in the order `reproduce` runs them. */
export const STEP_ORDER = ['train', 'geometry', 'rewinding', 'double_descent', 'gradients', 'probes', 'mlp_contrast', 'report'] as const;
export type StepName = (typeof STEP_ORDER)[number];

export interface Step {
  name: StepName;
  title: string;
  /** Steps that must finish first. */
  needs: StepName[];
  /** The preset section whose settings this step uses (null: none of its own). */
  section?: keyof Preset | null;
  /** Files and folders it writes (relative to the results folder and to the run directory), removed when its settings change. */
  outputs?: string[];
  /** Resumable: a rerun after an interruption continues where it stopped. */
  run(exp: Experiment): Promise<void>;
}

const STEP_DEFS: Record<StepName, Step> = {
  train: trainStep,
  geometry: geometryStep,
  rewinding: rewindingStep,
  double_descent: doubleDescentStep,
  gradients: gradientsStep,
  probes: probesStep,
  mlp_contrast: mlpContrastStep,
  report: reportStep,
};

/**
 * Which preset section each step reads, and what it writes (for invalidation when settings change).
 * `keep`: outputs that stay when the section differs only in `keys`, because the step checks them
 * item by item itself (a width sweep's finished points are read back when only the widths changed).
 */
interface StepFiles {
  section: keyof Preset | null;
  outputs: string[];
  keep?: { keys: string[]; outputs: string[] };
}

const STEP_FILES: Record<StepName, StepFiles> = {
  train: { section: 'train', outputs: [] },
  geometry: { section: 'geometry', outputs: ['geometry.csv', 'simcap.csv'] },
  rewinding: { section: 'rewinding', outputs: ['rewinding.csv', 'rewinding.meta.json'] },
  double_descent: {
    section: 'doubleDescent',
    outputs: ['double_descent.csv', 'double_descent_summary.json', 'double-descent'],
    keep: { keys: ['widths'], outputs: ['double-descent'] },
  },
  gradients: { section: 'gradients', outputs: ['gradients.csv', 'gradient_scaling.csv', 'gradient_slopes.csv', 'gradients_findings.md'] },
  probes: { section: 'probes', outputs: ['probes.csv', 'prediction_depth.csv', 'probes.meta.json', 'probes_findings.md'] },
  mlp_contrast: { section: 'mlpContrast', outputs: ['mlp', ...MLP_TABLES.map((t) => `mlp_${t}`)] },
  report: { section: null, outputs: ['report.md', 'report.html', 'figures'] },
};

export const STEPS: Record<StepName, Step & StepFiles> = Object.fromEntries(
  STEP_ORDER.map((name) => [name, { ...STEP_DEFS[name], ...STEP_FILES[name] }]),
) as Record<StepName, Step & StepFiles>;
