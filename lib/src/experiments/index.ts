// Experiments: presets and the resumable pipeline that reproduces the paper's findings.
export { PRESETS, getPreset, selectEpochs } from './presets';
export type { Preset, PresetName, AnalysisSettings, EpochSelection } from './presets';
export { Experiment, openExperiment, reproduce, defaultResultsDir, requirePresetDatasets, requireDatasets } from './experiment';
export type { ExperimentOptions } from './experiment';
export { STEPS, STEP_ORDER } from './steps';
export type { Step, StepName } from './steps';
export { architectureReadings } from './reportSections';
