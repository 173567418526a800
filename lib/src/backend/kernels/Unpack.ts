import { slice } from './Slice';
import type { Info, KernelArgs } from './wasmKernel';

/** `Unpack` (tf.unstack) for wasm through the copy-only-the-slice `Slice` (stock: n full copies). */
export function unpack({ inputs, backend, attrs }: KernelArgs): Info[] {
  const { value } = inputs;
  const rank = value.shape.length;
  const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank : (attrs.axis as number);
  const outShape = value.shape.filter((_, i) => i !== axis);
  const size = value.shape.slice();
  size[axis] = 1;
  const begin = new Array<number>(rank).fill(0);
  const outs: Info[] = [];
  for (let i = 0; i < value.shape[axis]; i++) {
    begin[axis] = i;
    const part = slice({ inputs: { x: value }, backend, attrs: { begin: begin.slice(), size } });
    outs.push({ dataId: part.dataId, dtype: part.dtype, shape: outShape });
  }
  return outs;
}
