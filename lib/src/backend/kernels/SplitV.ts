import * as tf from '@tensorflow/tfjs';
import { slice } from './Slice';
import type { Info, KernelArgs } from './wasmKernel';

/** `SplitV` (tf.split) for wasm through the copy-only-the-slice `Slice` (see Slice.ts). */
export function splitV({ inputs, backend, attrs }: KernelArgs): Info[] {
  const { x } = inputs;
  const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((n) => {
    const size = x.shape.slice();
    size[axis] = n;
    const part = slice({ inputs: { x }, backend, attrs: { begin: begin.slice(), size } });
    begin[axis] += n;
    return part;
  });
}
