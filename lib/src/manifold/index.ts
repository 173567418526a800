// Public surface of lib/src/manifold: MFTMA (replica mean-field manifold analysis) and its checks.
export { householderQr, householderQrInPlace, qrR, qrQ, applyQ } from './householderQr';
export type { HouseholderQr } from './householderQr';
export { symmetricEigenvalues } from './symmetricEigenvalues';
export { NnlsSolver } from './nnls';
export type { NnlsResult } from './nnls';
export { anchorGeometry, V_EQUALS_T_EPS } from './anchorGeometry';
export type { AnchorGeometry } from './anchorGeometry';
export { manifoldsFromFeatureMajor, manifoldsFromPoints, manifoldsFromNpy, validateManifolds } from './manifoldPoints';
export type { ManifoldPoints } from './manifoldPoints';
export { centerGeometry, maxKRule, meanAbsCosine, liftToAmbient } from './centerGeometry';
export type { CenterGeometry } from './centerGeometry';
export { centerCorrelationCost } from './centerCorrelationCost';
export { stiefelConjugateGradient, stiefelProject, stiefelRetract, PYMANOPT_CG_DEFAULTS } from './stiefelConjugateGradient';
export type { StiefelCgOptions, StiefelCgResult, StiefelProblem, StiefelCgStopReason } from './stiefelConjugateGradient';
export { sharedCenterSubspace, STABLE_SUBSPACE_DEFAULTS } from './sharedCenterSubspace';
export type { AnalysisMode, SharedCenterSubspace, SubspaceStep, SubspaceRestart, StableSubspaceOptions } from './sharedCenterSubspace';
export { analyzeManifold, prepareManifold, drawTVectors } from './analyzeManifold';
export type { ManifoldTask, ManifoldTaskResult, PreparedManifold } from './analyzeManifold';
export { randomProjection } from './randomProjection';
export { gramReduction } from './gramReduction';
export { centeredPoints, gramEigenvalues } from './centeredPoints';
export { manifoldAnalysis, degenerateManifolds, STABLE_DEFAULTS } from './manifoldAnalysis';
export { startAnalysisPool, closeAnalysisPools } from './analysisPool';
export {
  ANALYSIS_DEFAULTS,
  ANALYSIS_MODES,
  ANALYSIS_SETTINGS_FIELDS,
  checkAnalysisSettings,
  isAnalysisMode,
  MAX_N_T,
  MAX_ANALYSIS_SEEDS,
} from './analysisSettings';
export type { AnalysisSettings } from './analysisSettings';
export type {
  ManifoldAnalysisOptions,
  ManifoldAnalysisResult,
  ManifoldAnalysisDiagnostics,
  PerManifold,
  StableOptions,
} from './manifoldAnalysis';
export { normalQuantile } from './normalQuantile';
export { allDataDimension } from './allDataDimension';
export type { AllDataDimension } from './allDataDimension';
export { LinearSeparability } from './linearSeparability';
export type { SeparabilityResult } from './linearSeparability';
export { simulatedCapacity } from './simulatedCapacity';
export type { SimulatedCapacityOptions, SimulatedCapacityResult } from './simulatedCapacity';
export { manifoldAnalysisSeeds, seedStat } from './manifoldAnalysisSeeds';
export type { ManifoldAnalysisSeedsResult, ManifoldAnalysisSeedsOptions, SeedStat } from './manifoldAnalysisSeeds';
export { runCenterSubspaceJob } from './centerSubspaceRestart';
export type { CenterSubspaceJob, CenterSubspaceJobResult } from './centerSubspaceRestart';
export { manifoldsFromMatrices, asManifoldPoints } from './manifoldPoints';
export type { PointSets } from './manifoldPoints';
