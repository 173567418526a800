export { SimdHeap, simdKernels, withScratchHeap, type HeapArray, type SimdKernels } from './kernels';
export { trainingKernels, type TrainingKernels } from './trainingKernels';
