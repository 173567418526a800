// The same measures of memorization asked of several architectures trained on the same data (the MLP contrast).
export { architectureContrast, architectureContrastMarkdown, architectureContrastTable } from './architectureContrast';
export type { ArchitectureTables, ArchitectureReading } from './architectureContrast';
