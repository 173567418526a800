// Public surface of lib/src/parallel: filled in by its issue.
export {};
