import { doubleDescentStep } from './doubleDescent';
import { geometryStep } from './geometry';
import { gradientsStep } from './gradients';
import { mlpContrastStep } from './mlpContrast';
import { probesStep } from './probes';
import { reportStep } from './report';
import { rewindingStep } from './rewinding';
import type { Step, StepName } from './step';
import { trainStep } from './train';

export { STEP_ORDER } from './step';
export type { Step, StepContext, StepName } from './step';

/** The one table of steps: each step file says what it needs, reads and writes (and how it runs). */
export const STEPS: Record<StepName, Step> = {
  train: trainStep,
  geometry: geometryStep,
  rewinding: rewindingStep,
  double_descent: doubleDescentStep,
  gradients: gradientsStep,
  probes: probesStep,
  mlp_contrast: mlpContrastStep,
  report: reportStep,
};
