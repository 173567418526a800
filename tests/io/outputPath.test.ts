// Output paths are checked before anything is written: memgeo replaces only what it wrote itself,
// and file-system failures are InputErrors that name the path and the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { atomicWriteFileSync, ensureDir, fileSystemError, guardOutputDir, guardOutputFile } from 'memgeo';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-outpath-'));

test('guardOutputFile: a foreign file is refused and kept, a folder is an error, our own file may be replaced', () => {
  const dir = tmp();
  const mine = path.join(dir, 'notes.csv');
  fs.writeFileSync(mine, 'precious\n');
  const guard = { what: 'a test table', isOurs: () => false, why: 'no marker beside it' };
  assert.throws(() => guardOutputFile(mine, guard), {
    name: 'InputError',
    message: /notes\.csv exists and is not a test table written by memgeo \(no marker beside it\); refusing to replace it/,
  });
  assert.equal(fs.readFileSync(mine, 'utf8'), 'precious\n');
  assert.throws(() => guardOutputFile(dir, guard), {
    name: 'InputError',
    message: /cannot write a test table to .*: it is a folder; give the path of a file/,
  });
  guardOutputFile(mine, { ...guard, isOurs: () => true });
  // A new file under new folders: the folders are made.
  const fresh = path.join(dir, 'a', 'b', 't.csv');
  guardOutputFile(fresh, guard);
  assert.ok(fs.statSync(path.dirname(fresh)).isDirectory());
  assert.equal(fs.existsSync(fresh), false);
});

test('guardOutputDir: new, empty or accepted folders pass; a file or a refused folder is an error and nothing is written', () => {
  const dir = tmp();
  const refuse = (_d: string, entries: string[]) => (entries.includes('ours.json') ? null : `it holds ${entries.join(', ')}`);
  guardOutputDir(path.join(dir, 'new'), { what: 'a test folder', refuse });
  assert.ok(fs.statSync(path.join(dir, 'new')).isDirectory());
  const foreign = path.join(dir, 'foreign');
  fs.mkdirSync(foreign);
  fs.writeFileSync(path.join(foreign, 'thesis.tex'), 'x');
  assert.throws(() => guardOutputDir(foreign, { what: 'a test folder', refuse }), {
    name: 'InputError',
    message: /cannot use .*foreign as a test folder: it holds thesis\.tex\. Nothing was written/,
  });
  assert.deepEqual(fs.readdirSync(foreign), ['thesis.tex']);
  fs.writeFileSync(path.join(foreign, 'ours.json'), '{}');
  guardOutputDir(foreign, { what: 'a test folder', refuse });
  assert.throws(() => guardOutputDir(path.join(foreign, 'thesis.tex'), { what: 'a test folder', refuse }), {
    name: 'InputError',
    message: /thesis\.tex as a test folder: it is a file, not a folder/,
  });
});

test('file-system errors name the path and the reason (ENOTDIR, EEXIST, EISDIR; EACCES unless root)', (t) => {
  const dir = tmp();
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, 'x');
  assert.throws(() => ensureDir(file), { name: 'InputError', message: /cannot write into .*a-file: it is a file, not a folder/ });
  assert.throws(() => ensureDir(path.join(file, 'sub', 'deeper')), {
    name: 'InputError',
    message: /cannot create folder .*a-file\/sub\/deeper: .*a-file is a file, not a folder/,
  });
  assert.throws(() => atomicWriteFileSync(path.join(file, 't.csv'), 'x'), {
    name: 'InputError',
    message: /a-file: it is a file, not a folder/,
  });
  // A folder at the target of an atomic write: the temporary file is removed, the folder kept.
  fs.mkdirSync(path.join(dir, 'folder'));
  assert.throws(() => atomicWriteFileSync(path.join(dir, 'folder'), 'x'), {
    name: 'InputError',
    message: /cannot write .*folder: it is a folder/,
  });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['a-file', 'folder']);
  // Errors without an errno code pass through unchanged.
  const plain = new Error('boom');
  assert.equal(fileSystemError(plain, 'write', 'x'), plain);
  assert.equal(
    fileSystemError(Object.assign(new Error('e'), { code: 'EROFS' }), 'write', '/mnt/x').message,
    'cannot write /mnt/x: read-only file system',
  );
  if (process.getuid?.() === 0) {
    t.diagnostic('running as root, which ignores folder permissions: the EACCES case is skipped');
    return;
  }
  const ro = path.join(dir, 'ro');
  fs.mkdirSync(ro, { mode: 0o555 });
  try {
    assert.throws(() => atomicWriteFileSync(path.join(ro, 't.csv'), 'x'), {
      name: 'InputError',
      message: /cannot write .*ro\/t\.csv: permission denied/,
    });
    assert.throws(() => ensureDir(path.join(ro, 'sub')), {
      name: 'InputError',
      message: /cannot create folder .*ro\/sub: permission denied/,
    });
  } finally {
    fs.chmodSync(ro, 0o755);
  }
});
