import { analyzePreparedManifold, type ManifoldTaskResult, type PreparedManifoldTask } from './analyzeManifold';
import { runCenterSubspaceJob, type CenterSubspaceJob, type CenterSubspaceJobResult } from './centerSubspaceRestart';

/** One item of work for the analysis's worker threads: a centre-step restart or one manifold's anchor points. */
export type AnalysisJob = { restart: CenterSubspaceJob } | { anchors: PreparedManifoldTask };
export type AnalysisJobResult = CenterSubspaceJobResult | ManifoldTaskResult;

/**
 * The task function of the analysis's worker pool. One pool serves both parallel phases of an
 * analysis (the centre step's restarts, then the per-manifold anchor points), so its threads start
 * once, while the centre geometry is computed, instead of once per phase (~60–90 ms each here).
 */
export function runAnalysisJob(job: AnalysisJob): AnalysisJobResult {
  return 'restart' in job ? runCenterSubspaceJob(job.restart) : analyzePreparedManifold(job.anchors);
}
