import * as tf from '@tensorflow/tfjs';
import { callStock, type Info, type KernelArgs } from './wasmKernel';

/**
 * `Slice` for wasm that copies only the slice. The stock kernel starts with `backend.readSync(x)`,
 * which copies the *whole* input out of the wasm heap on every call (slicing 1 MB out of a 12.8 MB
 * tensor cost ~70 ms; `tf.unstack` of n rows copied the input n times). Here the input is read
 * through a heap view and the slice is copied row by row (rows = runs along the last axis).
 * SplitV, Unpack and StridedSlice (simple cases) are rerouted here too (SplitV.ts, Unpack.ts,
 * StridedSlice.ts): their stock versions call the stock slice.
 */
export function slice({ inputs, backend, attrs }: KernelArgs): Info {
  const { x } = inputs;
  if (x.dtype === 'string' || x.dtype === 'complex64') return callStock('Slice', inputs, backend, attrs);
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    attrs.begin as number | number[],
    attrs.size as number | number[] | undefined,
  );
  const out = backend.makeOutput(size, x.dtype);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  // Views only after the allocation (it may grow the heap).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return out;
  }
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(offset, offset + total));
    return out;
  }
  // Walk the outer index (all axes but the last) like an odometer, copying one row per step. Short
  // rows are copied element by element: a subarray per row costs more than the copy (dW's im2col
  // slices rows of 7–28 floats, ~10⁵ of them per layer and step for a narrow CNN).
  const row = size[rank - 1];
  const idx = new Array<number>(rank - 1).fill(0);
  let inOffset = begin[rank - 1];
  for (let d = 0; d < rank - 1; d++) inOffset += begin[d] * strides[d];
  let outOffset = 0;
  while (outOffset < total) {
    if (row < 64) for (let k = 0; k < row; k++) dst[outOffset + k] = src[inOffset + k];
    else dst.set(src.subarray(inOffset, inOffset + row), outOffset);
    outOffset += row;
    for (let d = rank - 2; d >= 0; d--) {
      inOffset += strides[d];
      if (++idx[d] < size[d]) break;
      inOffset -= size[d] * strides[d];
      idx[d] = 0;
    }
  }
  return out;
}
