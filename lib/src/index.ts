/**
 * memgeo: the geometry of memorization in deep networks (Stephenson et al., ICLR 2021), in TypeScript.
 * Stages, left to right: data → noise → models/train (checkpoints) → activations →
 * manifold | rewind | gradients → tables → plots → notebooks and report.
 */
export * from './errors';
export * from './random';
export * from './io';
export * from './tables';
export * from './backend';
export * from './parallel';
export * from './progress';
export * from './data';
export * from './noise';
export * from './models';
export * from './train';
export * from './manifold';
export * from './rewind';
export * from './gradients';
export * from './notebook';
export * from './plots';
export * from './report';
export * from './geometry';
export * from './probes';
export * from './contrast';
export * from './doubleDescent';
export * from './experiments';
