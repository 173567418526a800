export { train, optimizerStep, crossEntropy, defaultTrainWorkers, multiplyAddsPerExample } from './train';
export { DataParallelTrainer } from './dataParallel';
export type { DataParallelOptions } from './dataParallel';
export { shardRange } from './shardReplica';
export type { TrainOptions, TrainResult } from './train';
export { resolveRunConfig, diffConfigs, learningRateAt, isCheckpointEpoch, RUN_CONFIG_DEFAULTS } from './runConfig';
export type { RunConfig, RunConfigInput, OptimizerConfig, ScheduleConfig, NoiseConfig } from './runConfig';
export { Optimizer } from './Optimizer';
export type { NamedArrays } from './Optimizer';
export { readCheckpoint, writeCheckpoint, encodeCheckpoint, decodeCheckpoint, CheckpointError } from './checkpoint';
export type { Checkpoint } from './checkpoint';
export {
  openRun,
  listCheckpointEpochs,
  checkpointFile,
  readConfigFile,
  readMetrics,
  checkRunData,
  missingMetricsNote,
  RUN_FILES,
  METRICS_COLUMNS,
  EPOCHS_COLUMNS,
} from './runDir';
export type { Run, OpenRunOptions } from './runDir';
export { selectEpochs } from './selectEpochs';
export type { EpochSelection } from './selectEpochs';
export { validateRunData, gatherImages, dataFingerprint } from './runData';
export type { DataFingerprint, RunInfo } from './runData';
export type { RunData } from './runData';
export { prepareRunData } from './prepareRunData';
export { evaluateSplits, forwardInBatches, predictLogits, scoreLogits, splitMetrics, EVAL_BATCH, METRIC_SPLITS } from './evaluate';
export type { SplitMetric, MetricSplit } from './evaluate';
export { augmentBatch } from './augment';
export { ProgressReporter } from './progress';
export type { EpochReport } from './progress';
