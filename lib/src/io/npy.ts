import * as fs from 'fs';
import { atomicWriteFileSync } from './atomicWrite';

/** A dense array read from or written to NumPy's .npy format (C order). */
export interface NpyArray {
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
  dtype: 'f8' | 'f4' | 'i4' | 'u1';
}

const MAGIC = '\x93NUMPY';

/**
 * Parse a .npy buffer (format versions 1–3, little-endian f8/f4/i4/u1, C order). Anything else
 * (Fortran order, big-endian, object arrays, a truncated payload) is an error that says what is wrong.
 */
export function parseNpy(buf: Uint8Array, name = 'npy buffer'): NpyArray {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 10 || b.toString('latin1', 0, 6) !== MAGIC) throw new Error(`${name}: not a .npy file (bad magic string)`);
  const major = b[6];
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = b.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = b.readUInt32LE(8);
    offset = 12;
  } else throw new Error(`${name}: unsupported .npy version ${major}`);
  const header = b.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) throw new Error(`${name}: malformed .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new Error(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeStr.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, c) => a * c, 1);
  const start = offset + headerLen;
  const types: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
    '<f8': { dtype: 'f8', bytes: 8 },
    '<f4': { dtype: 'f4', bytes: 4 },
    '<i4': { dtype: 'i4', bytes: 4 },
    '|u1': { dtype: 'u1', bytes: 1 },
  };
  const t = types[descr];
  if (!t) throw new Error(`${name}: unsupported dtype ${descr} (supported: <f8, <f4, <i4, |u1)`);
  const need = count * t.bytes;
  if (b.length - start < need) throw new Error(`${name}: truncated: header promises ${need} bytes of data, file has ${b.length - start}`);
  const copy = new Uint8Array(need);
  copy.set(b.subarray(start, start + need));
  const data =
    t.dtype === 'f8' ? new Float64Array(copy.buffer) : t.dtype === 'f4' ? new Float32Array(copy.buffer) : t.dtype === 'i4' ? new Int32Array(copy.buffer) : copy;
  return { shape, data, dtype: t.dtype };
}

/** Read a .npy file. */
export function readNpy(file: string): NpyArray {
  return parseNpy(fs.readFileSync(file), file);
}

/** Serialise to .npy (version 1.0). */
export function encodeNpy(arr: NpyArray): Uint8Array {
  const descr = { f8: '<f8', f4: '<f4', i4: '<i4', u1: '|u1' }[arr.dtype];
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write(MAGIC, 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}

/** Write a .npy file atomically. */
export function writeNpy(file: string, arr: NpyArray): void {
  atomicWriteFileSync(file, encodeNpy(arr));
}
