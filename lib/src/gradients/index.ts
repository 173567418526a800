// Public surface of lib/src/gradients: filled in by its issue.
export {};
