// Layer rewinding (docs/paper.md §4, Fig. 4): revert chosen layers of the memorized model to an
// earlier checkpoint and measure test accuracy and the accuracy on the memorized examples.
export { rewind, rewoundModel, rewindAccuracies, runLayerNames, finalEpoch, checkRewindOptions } from './rewind';
export type { RewindOptions, RewindResult, RewindAccuracies } from './rewind';
export { rewindCells, rewindCellKey, REWIND_MODES } from './rewindCells';
export type { RewindMode, RewindCell } from './rewindCells';
export { rewindSweep, REWINDING_COLUMNS } from './rewindSweep';
export type { RewindSweepOptions, RewindSweepResult } from './rewindSweep';
export { rewindingFindings, rewindingFindingsMarkdown, rewindingFindingsTable } from './rewindingFindings';
export type { RewindingFindings, RewindingFindingsOptions, RewoundAccuracy, RewindingCheck } from './rewindingFindings';
