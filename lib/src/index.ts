/**
 * memgeo: the geometry of memorization in deep networks (Stephenson et al., ICLR 2021), in TypeScript.
 * Stages, left to right: data → noise → models/train (checkpoints) → activations →
 * manifold | rewind | gradients → tables → plots → notebooks and report.
 *
 * The public surface, by stage. Each section names first the entry points (what the README, the
 * notebooks and environment.md call), then, after "lower level", the pieces the tests exercise
 * through the package, then the types of their options and results. Everything else in `lib/src` is
 * internal: inside the library, import it from its folder. The sorted list of these names is pinned by
 * `tests/repository/publicSurface.txt`, so that a change to the surface is deliberate (README.md,
 * "Library API").
 *
 * @packageDocumentation
 */

// Errors: bad input is an `InputError` (the CLI exits 2 with its message).
export { InputError } from './errors';
// lower level:
export { checkFields, checkOptions } from './errors';

// Seeded randomness.
export { Rng } from './random';
// lower level:
export { checkSeed } from './random';

// Files: `.npy` arrays, atomic writes, output paths that refuse to overwrite what is not memgeo's.
export { readNpy } from './io';
// lower level:
export { atomicWriteFileSync, ensureDir, fileSystemError, guardOutputDir, guardOutputFile, parseNpy, encodeNpy, writeNpy } from './io';
export type { OutputDirGuard, OutputFileGuard, NpyArray } from './io';

// Tidy tables: CSV files and danfojs DataFrames.
export { toFrame, frameRows, readFrame } from './tables';
// lower level:
export { readCsv, writeCsv, upsertCsv, frameHtml, frameText, markdownTable } from './tables';
export type { DataFrame, ReadCsvOptions, Row, FrameHtmlOptions } from './tables';

// The TensorFlow.js backend (wasm with memgeo's training kernels, or cpu).
export { initBackend, getBackendName, useBackend } from './backend';
export type { BackendName } from './backend';

// Worker threads.
export { parallelMap, WorkerPool } from './parallel';
// lower level:
export { defaultConcurrency, availableCores, parseWorkerCount } from './parallel';
export type { TaskFunction, ParallelMapOptions } from './parallel';

// Progress lines of long tasks.
// lower level:
export { taskProgress, resolveProgressMode, fmtTime, formatSeconds } from './progress';
export type { TaskProgress, TaskProgressMode, ProgressMode } from './progress';

// Datasets: MNIST, Fashion-MNIST, CIFAR-10/100 loaders, the decoded-dataset cache, balanced subsets.
export { loadDataset } from './data';
// lower level:
export {
  MNIST_CLASSES,
  FASHION_MNIST_CLASSES,
  CIFAR10_CLASSES,
  CIFAR100_FINE_CLASSES,
  CIFAR100_COARSE_CLASSES,
  parseIdx,
  readIdx,
  encodeIdx,
  parseCifarBinary,
  encodeCifarBinary,
  decodeCifarSprite,
  resolveDataDir,
  DATASET_NAMES,
  loadDatasetSync,
  locateDataset,
  datasetCacheFile,
  loadMnist,
  loadFashionMnist,
  loadCifar10,
  loadCifar10Binary,
  loadCifar100Binary,
  balancedSubset,
  balancedSubsetIndices,
  selectExamples,
  classCounts,
} from './data';
export type {
  ImageDataset,
  ImageSplit,
  DatasetCacheInfo,
  IdxArray,
  CifarRecords,
  DatasetName,
  LoadDatasetOptions,
  DatasetLocation,
} from './data';

// Label noise (permuted, symmetric, none) and the paper's three manifold groups.
export { permuteLabels } from './noise';
// lower level:
export {
  symmetricLabelNoise,
  noLabelNoise,
  groupView,
  groupClassCounts,
  MANIFOLD_KINDS,
  sampleManifolds,
  sampleManifoldGroups,
} from './noise';
export type { NoisyLabels, ManifoldKind, GroupView, ManifoldSample, PermuteLabelsOptions, SampleManifoldsOptions } from './noise';

// Models (mlp, cnn, vgg, resnet18) and their activations.
export { createModel, Model, copyLayers, describeModelSpec, extractActivations } from './models';
// lower level:
export { resolveModelSpec, RandomProjections, gaussianProjection } from './models';
export type { Stage, LayerValues, Param, ParamRole, ModelSpec, ActivationOptions, ActivationMatrix, ActivationSource } from './models';

// Training with label noise: run directories, checkpoints, evaluation.
export {
  train,
  optimizerStep,
  defaultTrainWorkers,
  multiplyAddsPerExample,
  DataParallelTrainer,
  shardRange,
  resolveRunConfig,
  openRun,
  evaluateSplits,
} from './train';
// lower level:
export {
  crossEntropy,
  diffConfigs,
  learningRateAt,
  isCheckpointEpoch,
  RUN_CONFIG_DEFAULTS,
  Optimizer,
  readCheckpoint,
  writeCheckpoint,
  CheckpointError,
  listCheckpointEpochs,
  gatherImages,
  dataFingerprint,
  prepareRunData,
  augmentBatch,
  ProgressReporter,
} from './train';
export type {
  DataParallelOptions,
  TrainOptions,
  TrainResult,
  RunConfig,
  RunConfigInput,
  OptimizerConfig,
  ScheduleConfig,
  NoiseConfig,
  NamedArrays,
  Checkpoint,
  Run,
  RunInfo,
  OpenRunOptions,
  DataFingerprint,
  RunData,
  SplitMetric,
  EpochReport,
} from './train';

// MFTMA: replica mean-field manifold analysis (lib/src/manifold/README.md, docs/mftma.md).
export {
  manifoldsFromFeatureMajor,
  manifoldsFromPoints,
  manifoldsFromNpy,
  validateManifolds,
  manifoldAnalysis,
  degenerateManifolds,
  allDataDimension,
  simulatedCapacity,
  manifoldAnalysisSeeds,
  manifoldsFromMatrices,
  asManifoldPoints,
  startAnalysisPool,
  closeAnalysisPools,
} from './manifold';
// lower level:
export {
  householderQr,
  householderQrInPlace,
  qrR,
  qrQ,
  symmetricEigenvalues,
  NnlsSolver,
  anchorGeometry,
  centerGeometry,
  maxKRule,
  centerCorrelationCost,
  stiefelConjugateGradient,
  stiefelProject,
  stiefelRetract,
  prepareManifold,
  gramReduction,
  STABLE_DEFAULTS,
  LinearSeparability,
  ANALYSIS_DEFAULTS,
  checkAnalysisSettings,
  isAnalysisMode,
  MAX_ANALYSIS_SEEDS,
  MAX_N_T,
} from './manifold';
export type {
  HouseholderQr,
  NnlsResult,
  AnchorGeometry,
  ManifoldPoints,
  CenterGeometry,
  StiefelCgOptions,
  StiefelCgResult,
  StiefelProblem,
  AnalysisMode,
  ManifoldTask,
  PreparedManifold,
  ManifoldAnalysisOptions,
  ManifoldAnalysisResult,
  ManifoldAnalysisDiagnostics,
  PerManifold,
  StableOptions,
  AllDataDimension,
  SeparabilityResult,
  SimulatedCapacityOptions,
  SimulatedCapacityResult,
  ManifoldAnalysisSeedsResult,
  ManifoldAnalysisSeedsOptions,
  PointSets,
} from './manifold';

// Geometry across layers and epochs (paper Figs. 1B-3) and its findings.
export {
  analyzeRun,
  analyzeLayersModel,
  participationRatio,
  simulatedCapacityPoints,
  geometryFindings,
  geometryFindingsMarkdown,
  geometryFindingsTable,
  trainingSummary,
  trainingSummaryMarkdown,
  simcapSummary,
  simcapSummaryMarkdown,
} from './geometry';
// lower level:
export {
  manifoldsFromActivations,
  GEOMETRY_COLUMNS,
  SIMCAP_COLUMNS,
  chooseSimcapPoints,
  spearman,
  FINDING_THRESHOLDS,
  ANALYZE_RUN_DEFAULTS,
  resolveAnalysisSettings,
} from './geometry';
export type {
  AnalyzeRunOptions,
  AnalyzeRunResult,
  LabelledData,
  LayersModelAnalysisOptions,
  LayersModelAnalysis,
  SimcapOptions,
  SimcapResult,
  SimcapPoint,
  GeometryFindings,
  GeometryFindingsOptions,
  TrainingSummary,
  SimcapSummary,
} from './geometry';

// Layer rewinding (paper Fig. 4) and its findings.
export { rewind, rewindSweep, rewindingFindings, rewindingFindingsMarkdown, rewindingFindingsTable } from './rewind';
// lower level:
export { rewoundModel, rewindAccuracies, runLayerNames, rewindCells, REWINDING_COLUMNS } from './rewind';
export type {
  RewindOptions,
  RewindResult,
  RewindAccuracies,
  RewindMode,
  RewindCell,
  RewindSweepOptions,
  RewindSweepResult,
  RewindingFindings,
  RewindingFindingsOptions,
} from './rewind';

// Double descent over width (paper Fig. 5) and its findings.
export { sweepThreads, doubleDescentFindings, doubleDescentFindingsMarkdown, doubleDescentFindingsTable } from './doubleDescent';
// lower level:
export {
  widthSweep,
  resolveWidthSweepConfig,
  DOUBLE_DESCENT_COLUMNS,
  POINT_FILES,
  interpolationThreshold,
  widthErrors,
  testErrorPeak,
} from './doubleDescent';
export type {
  WidthSweepOptions,
  WidthSweepResult,
  WidthSweepConfig,
  ResolvedWidthSweepConfig,
  SweepNoiseKind,
  WidthErrors,
  DoubleDescentFinding,
  DoubleDescentFindingsOptions,
} from './doubleDescent';

// Gradient contributions of permuted and unpermuted examples (paper Fig. 6; lib/src/gradients/README.md).
export {
  referenceDistribution,
  GradientAccumulator,
  fitLogLogSlope,
  analyzeRunGradients,
  gradientFindings,
  gradientFindingsMarkdown,
  gradientFindingsTable,
} from './gradients';
// lower level:
export {
  gradientGroups,
  layerSlices,
  summedLayerGradients,
  checkpointGradients,
  groupGradient,
  gradientRows,
  GRADIENT_COLUMNS,
  gradientScalingRows,
  gradientScalingSlopes,
  SCALING_COLUMNS,
} from './gradients';
export type {
  GradientGroup,
  GroupIndices,
  GradientPart,
  GradientReference,
  LayerInfo,
  LayerSlice,
  CheckpointGradients,
  ScalingOptions,
  LogLogFit,
  GradientAnalysisOptions,
  GradientAnalysisResult,
  GradientFindings,
  GradientFindingsOptions,
} from './gradients';

// Per-layer kNN and linear probes, prediction depth.
export {
  probeRun,
  probeFindings,
  probeFindingsMarkdown,
  probeFindingsTable,
  PROBE_THRESHOLDS,
  probeCapacityComparison,
  probeCapacityMarkdown,
} from './probes';
// lower level:
export { knnPredict, knnProbe, crossGram, linearProbe, predictionDepth, PROBE_COLUMNS, DEPTH_COLUMNS } from './probes';
export type {
  KnnOptions,
  CrossGram,
  FeatureRows,
  LinearProbeOptions,
  LinearProbeResult,
  ProbeRunOptions,
  ProbeRunResult,
  ProbeFindings,
  ProbeThresholds,
  ProbeCapacityComparison,
} from './probes';

// The MLP contrast: the same measures across architectures.
export { architectureContrast, architectureContrastMarkdown, architectureContrastTable } from './contrast';
export type { ArchitectureTables, ArchitectureReading } from './contrast';

// Figures (Plotly), the same code for notebooks and the report.
export {
  showFigure,
  trainingCurves,
  geometryByLayer,
  geometryHeatmap,
  geometryChange,
  fig1bSimulatedCapacity,
  rewindHeatmap,
  rewindCurves,
  doubleDescentErrors,
  doubleDescentGeometryPanels,
  gradientContributionRatio,
  gradientCosine,
  gradientScaling,
  probeAccuracyByLayer,
  predictionDepthDistribution,
  capacityAgainstProbe,
} from './plots';
// lower level:
export {
  renderFigure,
  closeRenderer,
  canRenderImages,
  chromiumPath,
  compactPng,
  figureHtml,
  PLOTLY_MIME,
  testPeak,
  doubleDescentGeometry,
} from './plots';
export type { Figure, Trace, Layout, GeometryMetric, RewindMeasure } from './plots';

// Jupyter: tables and figures in a notebook, the notebook server.
export { showTable } from './notebook';
// lower level:
export { prepareJupyter, notebookServerMissing, PLOTLY_NBEXTENSION, startNotebookServer, LiveLine } from './notebook';
export type { NotebookServer, NotebookServerOptions } from './notebook';

// The report's verdicts as a tidy table (findings.csv, written by `reproduce`) and across results folders.
export { readFindings, compareFindings } from './report';
// lower level:
export { findingsRows, siblingFindingsDirs, FINDINGS_COLUMNS } from './report';
export type { ReportSection, FindingCheck, NumberTable } from './report';

// Presets and the resumable pipeline (`reproduce`, `openExperiment`).
export { PRESETS, openExperiment, reproduce, STEP_ORDER, architectureReadings } from './experiments';
// lower level:
export { getPreset, Experiment, requirePresetDatasets } from './experiments';
export type { Preset, PresetName, ExperimentOptions, StepName } from './experiments';
// The analysis settings every stage shares (manifold/analysisSettings.ts) and the epochs of a run (train/selectEpochs.ts).
export { selectEpochs } from './train';
export type { EpochSelection } from './train';
export type { AnalysisSettings } from './manifold';
