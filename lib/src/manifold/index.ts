// Public surface of lib/src/manifold: filled in by its issue.
export {};
