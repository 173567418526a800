/**
 * Training kernels for the tfjs wasm backend (see ../../../../environment.md and stack.md §2):
 * installed once, before the backend is selected. Filled in by the foundation issue.
 */
let installed = false;
export function installWasmTrainingKernels(): void {
  if (installed) return;
  installed = true;
}
