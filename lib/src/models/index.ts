// Public surface of lib/src/models: filled in by its issue.
export {};
