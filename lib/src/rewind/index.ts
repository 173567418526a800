// Public surface of lib/src/rewind: filled in by its issue.
export {};
