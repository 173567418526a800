import { createHash } from 'crypto';
import * as fs from 'fs';
import { InputError } from '../errors';
import { atomicWriteFileSync } from '../io';
import type { NamedArrays } from './Optimizer';

/**
 * One checkpoint: the model's parameters (batch-norm statistics included) after `epoch` epochs, and
 * the optimizer state needed to continue training from there exactly.
 */
export interface Checkpoint {
  epoch: number;
  weights: NamedArrays;
  optimizer: { kind: string; step: number; slots: NamedArrays };
  /** Free-form provenance (learning rate of the last epoch, time, ...). */
  meta: Record<string, unknown>;
}

/** A checkpoint file that is missing, truncated or corrupt. The message names the file. */
export class CheckpointError extends InputError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`checkpoint ${file} is unusable: ${reason}`);
  }
}

const MAGIC = 'MGCKPT01';

interface TensorEntry {
  name: string;
  section: 'weights' | 'optimizer';
  shape: number[];
  /** Float offset into the payload. */
  offset: number;
}

interface Header {
  epoch: number;
  optimizer: { kind: string; step: number };
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
  payloadBytes: number;
  sha256: string;
}

/**
 * Checkpoint file layout (little-endian): 8-byte magic `MGCKPT01`, uint32 header length H, H bytes of
 * JSON header (tensor names, shapes, offsets, payload length and its SHA-256), then the float32
 * payload. A truncated file fails the length check, a damaged one the checksum; the file is written
 * atomically (temp file, fsync, rename), so a crash leaves the previous content or the new one.
 */
export function encodeCheckpoint(ckpt: Checkpoint): Buffer {
  const tensors: TensorEntry[] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  const add = (section: TensorEntry['section'], arrays: NamedArrays) => {
    for (const [name, a] of arrays) {
      const n = a.shape.reduce((x, y) => x * y, 1);
      if (n !== a.data.length) throw new Error(`checkpoint: '${name}' has ${a.data.length} values for shape [${a.shape}]`);
      tensors.push({ name, section, shape: a.shape, offset });
      chunks.push(a.data);
      offset += n;
    }
  };
  add('weights', ckpt.weights);
  add('optimizer', ckpt.optimizer.slots);
  const payload = Buffer.alloc(offset * 4);
  let o = 0;
  for (const c of chunks) {
    payload.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), o);
    o += c.byteLength;
  }
  const header: Header = {
    epoch: ckpt.epoch,
    optimizer: { kind: ckpt.optimizer.kind, step: ckpt.optimizer.step },
    meta: ckpt.meta,
    tensors,
    payloadBytes: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const head = Buffer.alloc(12);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 8);
  return Buffer.concat([head, json, payload]);
}

/** Parse and verify a checkpoint; any defect is a `CheckpointError` naming `file`. */
export function decodeCheckpoint(buf: Buffer, file: string, opts: { weightsOnly?: boolean } = {}): Checkpoint {
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw new CheckpointError(file, 'not a memgeo checkpoint (bad magic bytes)');
  const h = buf.readUInt32LE(8);
  if (buf.length < 12 + h) throw new CheckpointError(file, `truncated: header needs ${12 + h} bytes, file has ${buf.length}`);
  let header: Header;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as Header;
  } catch (err) {
    throw new CheckpointError(file, `header does not parse (${(err as Error).message})`);
  }
  const expected = 12 + h + header.payloadBytes;
  if (buf.length !== expected)
    throw new CheckpointError(
      file,
      `${buf.length < expected ? 'truncated' : 'has trailing bytes'}: expected ${expected} bytes, file has ${buf.length}`,
    );
  const payload = buf.subarray(12 + h);
  const sha = createHash('sha256').update(payload).digest('hex');
  if (sha !== header.sha256) throw new CheckpointError(file, 'checksum mismatch (the file is damaged)');
  // Copy into an aligned buffer: the payload's byte offset need not be a multiple of 4.
  const floats = new Float32Array(header.payloadBytes / 4);
  new Uint8Array(floats.buffer).set(payload);
  const weights: NamedArrays = new Map();
  const slots: NamedArrays = new Map();
  for (const t of header.tensors) {
    if (opts.weightsOnly && t.section !== 'weights') continue;
    const n = t.shape.reduce((x, y) => x * y, 1);
    (t.section === 'weights' ? weights : slots).set(t.name, { shape: t.shape, data: floats.slice(t.offset, t.offset + n) });
  }
  return { epoch: header.epoch, weights, optimizer: { ...header.optimizer, slots }, meta: header.meta ?? {} };
}

export function writeCheckpoint(file: string, ckpt: Checkpoint): void {
  atomicWriteFileSync(file, encodeCheckpoint(ckpt));
}

export function readCheckpoint(file: string, opts: { weightsOnly?: boolean } = {}): Checkpoint {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    throw new CheckpointError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return decodeCheckpoint(buf, file, opts);
}
