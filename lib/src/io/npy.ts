import * as fs from 'fs';
import { atomicWriteFileSync } from './atomicWrite';

/** A dense array read from or written to NumPy's .npy format (C order). */
export interface NpyArray {
  shape: number[];
  data: Float64Array | Float32Array | Int32Array | Uint8Array;
  dtype: 'f8' | 'f4' | 'i4' | 'u1';
}

const MAGIC = '\x93NUMPY';

interface NpyHeader {
  shape: number[];
  dtype: NpyArray['dtype'];
  bytes: number;
  /** Byte offset of the data. */
  start: number;
  count: number;
}

/** The header of a .npy buffer that holds at least its first `start` bytes (format versions 1–3). */
function parseHeader(b: Buffer, name: string): NpyHeader {
  if (b.length < 10 || b.toString('latin1', 0, 6) !== MAGIC) throw new Error(`${name}: not a .npy file (bad magic string)`);
  const major = b[6];
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = b.readUInt16LE(8);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (b.length < 12) throw new Error(`${name}: truncated .npy header`);
    headerLen = b.readUInt32LE(8);
    offset = 12;
  } else throw new Error(`${name}: unsupported .npy version ${major}`);
  if (b.length < offset + headerLen) throw new Error(`${name}: truncated .npy header`);
  const header = b.toString('latin1', offset, offset + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeStr === undefined) throw new Error(`${name}: malformed .npy header: ${header.trim()}`);
  if (fortran === 'True') throw new Error(`${name}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray`);
  const shape = shapeStr
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, c) => a * c, 1);
  const types: Record<string, { dtype: NpyArray['dtype']; bytes: number }> = {
    '<f8': { dtype: 'f8', bytes: 8 },
    '<f4': { dtype: 'f4', bytes: 4 },
    '<i4': { dtype: 'i4', bytes: 4 },
    '|u1': { dtype: 'u1', bytes: 1 },
  };
  const t = types[descr];
  if (!t) throw new Error(`${name}: unsupported dtype ${descr} (supported: <f8, <f4, <i4, |u1)`);
  return { shape, dtype: t.dtype, bytes: t.bytes, start: offset + headerLen, count };
}

/** A typed array of the header's dtype over `buf` (whose length is count · bytes). */
function typedView(h: NpyHeader, buf: ArrayBuffer): NpyArray['data'] {
  return h.dtype === 'f8'
    ? new Float64Array(buf)
    : h.dtype === 'f4'
      ? new Float32Array(buf)
      : h.dtype === 'i4'
        ? new Int32Array(buf)
        : new Uint8Array(buf);
}

/**
 * Parse a .npy buffer (format versions 1–3, little-endian f8/f4/i4/u1, C order). Anything else
 * (Fortran order, big-endian, object arrays, a truncated payload) is an error that says what is wrong.
 */
export function parseNpy(buf: Uint8Array, name = 'npy buffer'): NpyArray {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const h = parseHeader(b, name);
  const need = h.count * h.bytes;
  if (b.length - h.start < need)
    throw new Error(`${name}: truncated: header promises ${need} bytes of data, file has ${b.length - h.start}`);
  const copy = new Uint8Array(need);
  copy.set(b.subarray(h.start, h.start + need));
  return { shape: h.shape, data: typedView(h, copy.buffer), dtype: h.dtype };
}

/**
 * Read a .npy file. The payload is read straight into the typed array's memory (one read, no copy
 * of the file buffer): for a 200 MB activation file the copies cost as much as the read.
 */
export function readNpy(file: string): NpyArray {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    // Version 1 headers are < 64 KiB; 2 and 3 may be longer, in which case they are read whole.
    let head = Buffer.alloc(Math.min(size, 65536 + 12));
    fs.readSync(fd, head, 0, head.length, 0);
    if (head.length >= 12 && (head[6] === 2 || head[6] === 3) && head.readUInt32LE(8) + 12 > head.length) {
      head = Buffer.alloc(Math.min(size, head.readUInt32LE(8) + 12));
      fs.readSync(fd, head, 0, head.length, 0);
    }
    const h = parseHeader(head, file);
    const need = h.count * h.bytes;
    if (size - h.start < need) throw new Error(`${file}: truncated: header promises ${need} bytes of data, file has ${size - h.start}`);
    const buf = new ArrayBuffer(need);
    const bytes = new Uint8Array(buf);
    let got = 0;
    while (got < need) {
      const n = fs.readSync(fd, bytes, got, Math.min(need - got, 1 << 30), h.start + got);
      if (n <= 0) throw new Error(`${file}: truncated while reading (${got} of ${need} bytes)`);
      got += n;
    }
    return { shape: h.shape, data: typedView(h, buf), dtype: h.dtype };
  } finally {
    fs.closeSync(fd);
  }
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
