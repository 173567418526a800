// Geometry of memorization across layers and epochs (paper Figs. 1B-3): analyzeRun, simulated capacity, findings.
export {
  analyzeRun,
  geometryRow,
  sortGeometryRows,
  resolveAnalysisSettings,
  resolveRunEpochs,
  resolveRunLayers,
  writeSampleImages,
} from './analyzeRun';
export type { AnalyzeRunOptions, AnalyzeRunResult } from './analyzeRun';
/** The defaults `analyzeRun` fills in, under their earlier name: the shared ANALYSIS_DEFAULTS of lib/src/manifold/analysisSettings.ts. */
export { ANALYSIS_DEFAULTS as ANALYZE_RUN_DEFAULTS } from '../manifold/analysisSettings';
export { geometryCell, simcapCell, manifoldsFromActivations, cellGeometry } from './geometryCell';
export { analyzeLayersModel } from './analyzeLayersModel';
export type { LabelledData, LayersModelAnalysisOptions, LayersModelAnalysis } from './analyzeLayersModel';
export type { GeometryCellInput, GeometryCellOutput, SimcapCellInput, SimcapCellOutput } from './geometryCell';
export {
  GEOMETRY_COLUMNS,
  GEOMETRY_KEY_COLUMNS,
  GEOMETRY_SETTING_COLUMNS,
  SIMCAP_COLUMNS,
  SIMCAP_KEY_COLUMNS,
  sameSettings,
  cellKey,
} from './geometryTable';
export type { GeometrySettingsRow } from './geometryTable';
export { participationRatio } from './participationRatio';
export { simulatedCapacityPoints, chooseSimcapPoints, simcapSubsample } from './simulatedCapacityPoints';
export type { SimcapOptions, SimcapResult, SimcapPoint } from './simulatedCapacityPoints';
export { geometryFindings, geometryFindingsMarkdown, geometryFindingsTable, spearman, FINDING_THRESHOLDS } from './geometryFindings';
export type { GeometryFindings, GeometryFindingsOptions, GeometryChange, Claim, FindingThresholds } from './geometryFindings';
export { trainingSummary, trainingSummaryMarkdown, splitAccuracies } from './trainingSummary';
export type { TrainingSummary, SplitAccuracies } from './trainingSummary';
export { simcapSummary, simcapSummaryMarkdown } from './simcapSummary';
export type { SimcapSummary } from './simcapSummary';
