// Public surface of lib/src/plots: filled in by its issue.
export {};
