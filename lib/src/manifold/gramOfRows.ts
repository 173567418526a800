import { SimdHeap, withScratchHeap } from '../simd/kernels';

/**
 * G = X Xᵀ for `count` vectors of `length` stored one after another in x (X row-major count × length):
 * the Gram matrix of points, centres or NNLS columns, count × count row-major, filled by symmetry.
 * Rows of a row-major matrix are the columns of a column-major one, so this is the SIMD kernel
 * `columnGram` (2 × 4 blocks of dot products) on a copy of x.
 */
export function gramOfRows(x: Float64Array, count: number, length: number): Float64Array {
  return withScratchHeap(SimdHeap.bytesFor([count * length, count * count]), (heap) => {
    const u = heap.f64(count * length);
    const g = heap.f64(count * count);
    u.view.set(x.subarray(0, count * length));
    heap.kernels.columnGram(u.ptr, length, count, g.ptr);
    return Float64Array.from(g.view);
  });
}
