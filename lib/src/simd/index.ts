export { SimdHeap, simdKernels, withScratchHeap, type HeapArray, type SimdKernels } from './kernels';
