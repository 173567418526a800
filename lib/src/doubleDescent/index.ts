// Model-wise double descent over width with label noise, and the geometry of the last layers (paper Fig. 5, §5).
export { widthSweep, sweepThreads, SWEEP_FILES } from './widthSweep';
export type { WidthSweepOptions, WidthSweepResult } from './widthSweep';
export { resolveWidthSweepConfig, sweepPoints, SWEEP_NOISE_KINDS } from './widthSweepConfig';
export type { WidthSweepConfig, ResolvedWidthSweepConfig, SweepPoint, SweepNoiseKind } from './widthSweepConfig';
export { runSweepPoint, isPointDone, finalErrors, DOUBLE_DESCENT_COLUMNS, POINT_FILES } from './runSweepPoint';
export type { SweepPointTask, SweepPointResult } from './runSweepPoint';
export { sweepPointGeometry, defaultSweepLayers, usableManifoldSize, SWEEP_GEOMETRY_COLUMNS } from './sweepPointGeometry';
export { interpolationThreshold, widthErrors } from './interpolationThreshold';
export type { WidthErrors } from './interpolationThreshold';
export { doubleDescentFindings, doubleDescentFindingsMarkdown, doubleDescentFindingsTable, testErrorPeak } from './doubleDescentFindings';
export type { DoubleDescentFinding, DoubleDescentFindingsOptions, GeometryAroundPeak, GeometryValues } from './doubleDescentFindings';
