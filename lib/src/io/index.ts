export { atomicWriteFileSync, atomicWriteJsonSync } from './atomicWrite';
export { parseNpy, readNpy, encodeNpy, writeNpy } from './npy';
export type { NpyArray } from './npy';
