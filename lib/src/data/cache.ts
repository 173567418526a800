/*
 * The decoded-dataset cache: one file per dataset under the repository's data/ folder, holding the
 * decoded bytes (NHWC uint8) and labels, so that the second load skips PNG/gzip decoding.
 *
 * File layout: 'MEMGEODS' (8 bytes), header length (uint32 LE), a JSON header, zero padding to a
 * multiple of 8, then the sections the header lists, back to back. The header records the format
 * version, the source files' fingerprint (name, size, mtime), every section's length and a checksum
 * of the payload. A cache file is used only when all of these check out; anything else (truncated,
 * corrupt, stale, other format version) is reported as a reason and the caller decodes again.
 */

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import type { RawDataset, RawSplit } from './rawDataset';
import { validateRawDataset } from './rawDataset';

/** Version of the cache file layout above; a file of another version is decoded again. */
export const CACHE_FORMAT_VERSION = 1;
const MAGIC = 'MEMGEODS';

interface Section {
  key: string;
  dtype: 'u1' | 'i4';
  length: number;
}

interface CacheHeader {
  format: number;
  name: string;
  imageShape: [number, number, number];
  numClasses: number;
  classNames: string[];
  coarseClassNames?: string[];
  source: string;
  fingerprint: string;
  counts: { train: number; test: number };
  sections: Section[];
  payloadBytes: number;
  checksum: { algo: 'crc32' | 'sha1'; value: string };
}

/**
 * The folder for decoded-dataset caches: $MEMGEO_DATA_DIR if set; else `data/` next to the workspace
 * package.json (the repository root, found from this file's location, then from the working
 * directory); else ~/.cache/memgeo.
 */
export function resolveDataDir(): string {
  const fromEnv = process.env.MEMGEO_DATA_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  for (const start of [__dirname, process.cwd()]) {
    const root = findWorkspaceRoot(start);
    if (root) return path.join(root, 'data');
  }
  return path.join(os.homedir(), '.cache', 'memgeo');
}

function findWorkspaceRoot(start: string): string | undefined {
  let dir = fs.existsSync(start) ? fs.realpathSync(start) : path.resolve(start);
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(pj, 'utf8')) as { workspaces?: unknown };
        if (pkg.workspaces) return dir;
      } catch {
        // An unreadable package.json is not the workspace root; keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type Checksummer = { update(chunk: Uint8Array): void; digest(): string };

function checksummer(algo: 'crc32' | 'sha1'): Checksummer {
  if (algo === 'crc32') {
    const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32!;
    let value = 0;
    return { update: (c) => (value = crc32(c, value)), digest: () => value.toString(16).padStart(8, '0') };
  }
  const h = crypto.createHash('sha1');
  return { update: (c) => h.update(c), digest: () => h.digest('hex') };
}

/** crc32 (fast, in zlib since Node 20.15) where available, else sha1. */
function preferredAlgo(): 'crc32' | 'sha1' {
  return typeof (zlib as unknown as { crc32?: unknown }).crc32 === 'function' ? 'crc32' : 'sha1';
}

function splitSections(prefix: 'train' | 'test', s: RawSplit): { section: Section; bytes: Uint8Array }[] {
  const asBytes = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = [
    { section: { key: `${prefix}.pixels`, dtype: 'u1' as const, length: s.pixels.length }, bytes: s.pixels },
    { section: { key: `${prefix}.labels`, dtype: 'i4' as const, length: s.labels.length }, bytes: asBytes(s.labels) },
  ];
  if (s.coarseLabels) out.push({ section: { key: `${prefix}.coarseLabels`, dtype: 'i4', length: s.coarseLabels.length }, bytes: asBytes(s.coarseLabels) });
  return out;
}

/**
 * Write the cache file atomically (temporary file in the same folder, fsync, rename), streaming the
 * sections so that no second copy of the dataset is built in memory.
 */
export function writeDatasetCache(file: string, raw: RawDataset, fingerprint: string): void {
  if (os.endianness() !== 'LE') throw new Error('the dataset cache stores little-endian labels; this machine is big-endian');
  const parts = [...splitSections('train', raw.train), ...splitSections('test', raw.test)];
  const algo = preferredAlgo();
  const sum = checksummer(algo);
  for (const p of parts) sum.update(p.bytes);
  const header: CacheHeader = {
    format: CACHE_FORMAT_VERSION,
    name: raw.name,
    imageShape: raw.imageShape,
    numClasses: raw.numClasses,
    classNames: raw.classNames,
    source: raw.source,
    fingerprint,
    counts: { train: raw.train.count, test: raw.test.count },
    sections: parts.map((p) => p.section),
    payloadBytes: parts.reduce((a, p) => a + p.bytes.length, 0),
    checksum: { algo, value: sum.digest() },
  };
  if (raw.coarseClassNames) header.coarseClassNames = raw.coarseClassNames;
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = Buffer.alloc(12);
  pre.write(MAGIC, 0, 'latin1');
  pre.writeUInt32LE(json.length, 8);
  const pad = Buffer.alloc((8 - ((12 + json.length) % 8)) % 8);

  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const fd = fs.openSync(tmp, 'w');
  try {
    for (const chunk of [pre, json, pad, ...parts.map((p) => p.bytes)]) {
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Read and validate a cache file. `reason` says why it cannot be used ('absent' when there is none). */
export function readDatasetCache(file: string, fingerprint: string): { raw?: RawDataset; reason?: string } {
  if (!fs.existsSync(file)) return { reason: 'absent' };
  if (os.endianness() !== 'LE') return { reason: 'big-endian machine' };
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    return { reason: `unreadable: ${(err as Error).message}` };
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return { reason: 'bad magic number' };
  const headerLen = buf.readUInt32LE(8);
  if (12 + headerLen > buf.length) return { reason: 'truncated header' };
  let header: CacheHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + headerLen)) as CacheHeader;
  } catch {
    return { reason: 'corrupt header' };
  }
  if (header.format !== CACHE_FORMAT_VERSION) return { reason: `cache format ${header.format}, this memgeo writes ${CACHE_FORMAT_VERSION}` };
  if (header.fingerprint !== fingerprint) return { reason: 'source files changed since the cache was written' };
  const start = 12 + headerLen + ((8 - ((12 + headerLen) % 8)) % 8);
  if (!Array.isArray(header.sections) || buf.length !== start + header.payloadBytes)
    return { reason: `wrong length: ${buf.length} bytes, header promises ${start + header.payloadBytes}` };
  let sum: Checksummer;
  try {
    sum = checksummer(header.checksum.algo);
  } catch {
    return { reason: `checksum ${header.checksum?.algo} not available here` };
  }
  const arrays = new Map<string, Uint8Array | Int32Array>();
  let off = start;
  for (const s of header.sections) {
    const bytes = s.length * (s.dtype === 'i4' ? 4 : 1);
    if (off + bytes > buf.length) return { reason: `section ${s.key} runs past the end of the file` };
    const view = buf.subarray(off, off + bytes);
    sum.update(view);
    // Labels are copied (small, and they need 4-byte alignment); pixels are used in place.
    arrays.set(s.key, s.dtype === 'i4' ? new Int32Array(Uint8Array.from(view).buffer) : view);
    off += bytes;
  }
  if (sum.digest() !== header.checksum.value) return { reason: 'checksum mismatch (corrupt cache file)' };
  const split = (prefix: 'train' | 'test'): RawSplit | undefined => {
    const pixels = arrays.get(`${prefix}.pixels`);
    const labels = arrays.get(`${prefix}.labels`);
    if (!(pixels instanceof Uint8Array) || !(labels instanceof Int32Array)) return undefined;
    const s: RawSplit = { pixels, labels, count: header.counts[prefix] };
    const coarse = arrays.get(`${prefix}.coarseLabels`);
    if (coarse instanceof Int32Array) s.coarseLabels = coarse;
    return s;
  };
  const train = split('train');
  const test = split('test');
  if (!train || !test) return { reason: 'missing sections' };
  const raw: RawDataset = {
    name: header.name,
    imageShape: header.imageShape,
    numClasses: header.numClasses,
    classNames: header.classNames,
    train,
    test,
    source: header.source,
  };
  if (header.coarseClassNames) raw.coarseClassNames = header.coarseClassNames;
  try {
    validateRawDataset(raw, file);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  return { raw };
}

/** The cache file for a dataset key in `cacheDir`. */
export function cachePathFor(cacheDir: string, key: string): string {
  return path.join(cacheDir, `${key}.memgeo-cache`);
}
