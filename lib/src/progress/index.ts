export { resolveProgressMode } from './progressMode';
export type { ProgressMode, ResolvedProgressMode } from './progressMode';
export { formatSeconds, fmtTime } from './format';
export { taskProgress } from './taskProgress';
export type { TaskProgress, TaskProgressMode } from './taskProgress';
