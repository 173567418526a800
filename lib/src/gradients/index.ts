// Gradient contributions of permuted and unpermuted examples (docs/paper.md §6, Fig. 6).
export { gradientGroups, GRADIENT_GROUPS } from './gradientGroups';
export type { GradientGroup, GroupIndices } from './gradientGroups';
export { GradientAccumulator, layerSlices, summedLayerGradients, summedCrossEntropy } from './gradientAccumulator';
export type { LayerInfo, LayerSlice } from './gradientAccumulator';
export { checkpointGradients, groupGradient, gradientRows, GRADIENT_COLUMNS } from './checkpointGradients';
export type { CheckpointGradients, GroupGradientSums } from './checkpointGradients';
export { gradientScalingRows, gradientScalingSlopes, validateScaling, SCALING_COLUMNS, SLOPE_COLUMNS } from './gradientScaling';
export type { ScalingOptions } from './gradientScaling';
export { fitLogLogSlope } from './fitLogLogSlope';
export type { LogLogFit } from './fitLogLogSlope';
export { analyzeRunGradients, gradientEpochTask, GRADIENT_FILES } from './analyzeRunGradients';
export type { GradientAnalysisOptions, GradientAnalysisResult, GradientEpochTask, GradientEpochResult } from './analyzeRunGradients';
export { gradientFindings, formatGradientFindings } from './gradientFindings';
export type { GradientFindings, GradientFindingsOptions, LayerFindings, LayerAtEpoch, EpochVerdicts } from './gradientFindings';
