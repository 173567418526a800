export { atomicWriteFileSync, atomicWriteJsonSync } from './atomicWrite';
export { ensureDir, fileSystemError, guardOutputDir, guardOutputFile, readJsonOrNull } from './outputPath';
export type { OutputDirGuard, OutputFileGuard } from './outputPath';
export { parseNpy, readNpy, encodeNpy, writeNpy } from './npy';
export type { NpyArray } from './npy';
