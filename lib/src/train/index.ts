// Public surface of lib/src/train: filled in by its issue.
export {};
