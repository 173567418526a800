// Per-layer probes (kNN, linear) and prediction depth: a second reading of where memorization lives, next to manifold capacity.
export { knnPredict, knnProbe, crossGram, accuracy, checkKnn, leaveOneOut, KNN_METRICS } from './knn';
export type { KnnMetric, KnnOptions, CrossGram, FeatureRows } from './knn';
export { linearProbe, linearProbeFromGram, loopKernelProduct, LINEAR_PROBE_DEFAULTS } from './linearProbe';
export type { LinearProbeOptions, LinearProbeResult, KernelProduct } from './linearProbe';
export { predictionDepth } from './predictionDepth';
export { probeSamples } from './probeSamples';
export type { ProbeSet } from './probeSamples';
export { probeRun, sortProbeRows, PROBE_RUN_OPTIONS, PROBE_COLUMNS, PROBE_KEY_COLUMNS, DEPTH_COLUMNS, PROBE_KINDS } from './probeRun';
export type { ProbeRunOptions, ProbeRunResult } from './probeRun';
export { PROBE_DEFAULTS } from './probeSettings';
export type { ProbeSettings } from './probeSettings';
export { probeEpoch } from './probeCell';
export type { ProbeEpochInput, ProbeEpochOutput, ProbeCellRow, ProbeCellSet } from './probeCell';
export { probeFindings, probeFindingsMarkdown, probeFindingsTable, PROBE_THRESHOLDS } from './probeFindings';
export type { ProbeFindings, ProbeThresholds } from './probeFindings';
export { probeCapacityComparison, probeCapacityMarkdown } from './probeCapacity';
export type { ProbeCapacityComparison, ProbeCapacityRow } from './probeCapacity';
