// Label noise (permuted / symmetric / none) and the paper's three manifold groups.
export type { NoisyLabels, ManifoldKind, GroupView, ManifoldSample } from './types';
export { permuteLabels } from './permuteLabels';
export type { PermuteLabelsOptions } from './permuteLabels';
export { symmetricLabelNoise } from './symmetricLabelNoise';
export { noLabelNoise } from './noLabelNoise';
export { groupView, groupClassCounts, MANIFOLD_KINDS } from './groupView';
export { sampleManifolds, sampleManifoldGroups, chooseClasses } from './sampleManifolds';
export type { SampleManifoldsOptions } from './sampleManifolds';
export { labelNoiseFromMask } from './labelNoiseFromMask';
