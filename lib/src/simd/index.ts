export { SimdHeap, scratchHeap, simdKernels, type HeapArray, type SimdKernels } from './kernels';
