// Public surface of lib/src/data: filled in by its issue.
export type { ImageDataset, ImageSplit } from "./types";
