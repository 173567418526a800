import { callStock, type Info, type KernelArgs } from './wasmKernel';

/**
 * `Identity` for wasm without a copy: the output shares the input's buffer (reference counted), as
 * the cpu backend does. The engine clones every tensor it saves for the backward pass through
 * Identity, and the stock wasm kernel copies each one — 13 copies of 12.8 MB per cnn4 training step.
 * Tensors are immutable, so sharing is safe (a reshape shares buffers the same way).
 */
export function identity({ inputs, backend, attrs }: KernelArgs): Info {
  const { x } = inputs;
  if (x.dtype === 'string') return callStock('Identity', inputs, backend, attrs);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}
