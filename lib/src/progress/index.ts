export { taskProgress, resolveProgressMode, formatSeconds } from './taskProgress';
export type { TaskProgress, TaskProgressMode } from './taskProgress';
