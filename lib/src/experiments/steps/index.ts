import type { Experiment } from '../experiment';
import { trainStep } from './train';
import { geometryStep } from './geometry';
import { rewindingStep } from './rewinding';
import { doubleDescentStep } from './doubleDescent';
import { gradientsStep } from './gradients';
import { reportStep } from './report';

/** The steps of a reproduction, in the order `reproduce` runs them. */
export const STEP_ORDER = ['train', 'geometry', 'rewinding', 'double_descent', 'gradients', 'report'] as const;
export type StepName = (typeof STEP_ORDER)[number];

export interface Step {
  name: StepName;
  title: string;
  /** Steps that must finish first. */
  needs: StepName[];
  /** Resumable: a rerun after an interruption continues where it stopped. */
  run(exp: Experiment): Promise<void>;
}

export const STEPS: Record<StepName, Step> = {
  train: trainStep,
  geometry: geometryStep,
  rewinding: rewindingStep,
  double_descent: doubleDescentStep,
  gradients: gradientsStep,
  report: reportStep,
};
