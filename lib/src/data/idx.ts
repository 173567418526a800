import * as fs from 'fs';
import * as zlib from 'zlib';
import { InputError } from '../errors';

/** An IDX array (LeCun's MNIST format) of unsigned bytes. */
export interface IdxArray {
  /** Dimensions from the header, e.g. [60000, 28, 28] for images or [60000] for labels. */
  dims: number[];
  data: Uint8Array;
}

/** True when the buffer starts with the gzip magic bytes 1f 8b. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * Parse an IDX buffer: magic 0x00 0x00 <type> <ndims>, then ndims big-endian uint32 sizes, then the
 * data. Only type 0x08 (unsigned byte), which MNIST and Fashion-MNIST use, is supported. The data
 * length must equal the product of the dimensions exactly: a shorter file is truncated, a longer one
 * is not what its header says, and both are errors. Gzip-compressed input is inflated first.
 */
export function parseIdx(input: Uint8Array, name = 'IDX buffer'): IdxArray {
  let buf = input;
  if (isGzip(buf)) {
    try {
      buf = zlib.gunzipSync(buf);
    } catch (err) {
      throw new InputError(`${name}: gzip data is corrupt or truncated (${(err as Error).message})`);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    const head = Array.from(buf.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InputError(`${name}: bad magic number (${head || 'empty file'}); an IDX file starts with 00 00 <type> <ndims>`);
  }
  const type = buf[2];
  const ndims = buf[3];
  if (type !== 0x08) throw new InputError(`${name}: IDX data type 0x${type.toString(16)} is not supported (only 0x08, unsigned byte)`);
  if (ndims < 1) throw new InputError(`${name}: IDX header has 0 dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (buf.length < headerBytes) throw new InputError(`${name}: truncated IDX header (${buf.length} bytes, need ${headerBytes})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buf.length - headerBytes;
  if (actual < expected) throw new InputError(`${name}: truncated: header [${dims.join(', ')}] needs ${expected} data bytes, file has ${actual}`);
  if (actual > expected) throw new InputError(`${name}: wrong length: header [${dims.join(', ')}] needs ${expected} data bytes, file has ${actual} (${actual - expected} extra)`);
  return { dims, data: buf.subarray(headerBytes) };
}

/** Read an IDX file, plain or gzipped (detected from the content, not the name). */
export function readIdx(file: string): IdxArray {
  return parseIdx(fs.readFileSync(file), file);
}

/** Encode bytes as an IDX (type 0x08) buffer; used to write test fixtures in the real format. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) throw new Error(`encodeIdx: ${data.length} bytes for dims [${dims.join(', ')}]`);
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}
