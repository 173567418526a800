import * as tf from '@tensorflow/tfjs';
import { slice } from './Slice';
import { callStock, view, type Info, type KernelArgs } from './wasmKernel';

/**
 * `StridedSlice` for wasm: the plain-slice cases (stride 1) go through the copy-only-the-slice
 * `Slice` (the stock kernel calls the stock slice, which copies the whole input); real strides stay
 * on the stock C++ kernel.
 */
export function stridedSlice(args: KernelArgs): Info {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const a = attrs as unknown as tf.StridedSliceAttrs;
  const info = tf.slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity || !(info.sliceDim0 || info.isSimpleSlice) || x.dtype === 'string')
    return callStock('StridedSlice', inputs, backend, attrs);
  const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
  const out = slice({ inputs: { x }, backend, attrs: { begin: info.begin, size } });
  return view(out, info.finalShape);
}
