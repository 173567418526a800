// Public surface of lib/src/experiments: filled in by its issue.
export {};
