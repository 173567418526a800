// Experiments: presets and the resumable pipeline that reproduces the paper's findings.
export { PRESETS, getPreset } from './presets';
export type { Preset, PresetName } from './presets';
export { Experiment, openExperiment, reproduce, defaultResultsDir, requirePresetDatasets, requireDatasets } from './experiment';
export type { ExperimentOptions } from './experiment';
export { STEPS, STEP_ORDER } from './steps';
export type { Step, StepContext, StepName } from './steps';
export { architectureReadings } from './reportSections';
