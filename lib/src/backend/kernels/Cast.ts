import { identity } from './Identity';
import { callStock, type Info, type KernelArgs } from './wasmKernel';

/**
 * `Cast` for wasm: a cast to the tensor's own dtype shares the buffer instead of copying it (the
 * gradient of every saved-tensor clone is such a cast). Real conversions stay stock.
 */
export function cast(args: KernelArgs): Info {
  const { inputs, attrs } = args;
  if (inputs.x.dtype === attrs.dtype && inputs.x.dtype !== 'string') return identity(args);
  return callStock('Cast', inputs, args.backend, attrs);
}
