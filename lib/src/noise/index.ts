// Public surface of lib/src/noise: filled in by its issue.
export type { NoisyLabels, ManifoldKind, GroupView } from "./types";
