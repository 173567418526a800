// Gradient contributions of permuted and unpermuted examples (docs/paper.md §6, Fig. 6), split into label-independent and label-dependent parts.
export { gradientGroups, GRADIENT_GROUPS } from './gradientGroups';
export type { GradientGroup, GroupIndices } from './gradientGroups';
export { GRADIENT_PARTS, GRADIENT_REFERENCES, partOf, referenceDistribution } from './parts';
export type { GradientPart, GradientReference } from './parts';
export { GradientAccumulator, layerSlices, summedLayerGradients, summedCrossEntropy } from './gradientAccumulator';
export type { LayerInfo, LayerSlice } from './gradientAccumulator';
export { checkpointGradients, groupGradient, gradientRows, partSums, GRADIENT_COLUMNS } from './checkpointGradients';
export type { CheckpointGradients, GroupGradientSums } from './checkpointGradients';
export { gradientScalingRows, gradientScalingSlopes, validateScaling, SCALING_COLUMNS, SLOPE_COLUMNS } from './gradientScaling';
export type { ScalingOptions } from './gradientScaling';
export { fitLogLogSlope } from './fitLogLogSlope';
export type { LogLogFit } from './fitLogLogSlope';
export { analyzeRunGradients, gradientEpochTask, GRADIENT_FILES } from './analyzeRunGradients';
export type { GradientAnalysisOptions, GradientAnalysisResult, GradientEpochTask, GradientEpochResult } from './analyzeRunGradients';
export { gradientFindings, gradientFindingsMarkdown, gradientFindingsTable, verdictParts, PART_LABELS } from './gradientFindings';
export type {
  GradientFindings,
  GradientFindingsOptions,
  LayerFindings,
  LayerAtEpoch,
  EpochVerdicts,
  PartFindings,
} from './gradientFindings';
