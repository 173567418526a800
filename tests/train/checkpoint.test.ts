import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckpointError, readCheckpoint, writeCheckpoint, type Checkpoint } from 'memgeo';

function sample(): Checkpoint {
  return {
    epoch: 7,
    weights: new Map([
      ['fc1/kernel', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['fc1/bias', { shape: [3], data: Float32Array.from([-1, 0.5, 1e-8]) }],
    ]),
    optimizer: {
      kind: 'adam',
      step: 42,
      slots: new Map([['fc1/kernel/m', { shape: [2, 3], data: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) }]]),
    },
    meta: { lr: 0.001 },
  };
}

test('checkpoint round trip keeps weights, optimizer state and metadata exactly', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-ckpt-')), 'epoch-0007.ckpt');
  writeCheckpoint(file, sample());
  const back = readCheckpoint(file);
  assert.equal(back.epoch, 7);
  assert.deepEqual(back.weights, sample().weights);
  assert.deepEqual(back.optimizer, sample().optimizer);
  assert.deepEqual(back.meta, { lr: 0.001 });
  const weightsOnly = readCheckpoint(file, { weightsOnly: true });
  assert.equal(weightsOnly.optimizer.slots.size, 0);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['epoch-0007.ckpt'], 'no temporary file left');
});

test('a truncated, damaged, extended or foreign checkpoint is detected and the file named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-ckpt-'));
  const file = path.join(dir, 'epoch-0007.ckpt');
  writeCheckpoint(file, sample());
  const good = fs.readFileSync(file);
  const expectBad = (bytes: Buffer, re: RegExp) => {
    fs.writeFileSync(file, bytes);
    assert.throws(
      () => readCheckpoint(file),
      (e: Error) => e instanceof CheckpointError && e.message.includes(file) && re.test(e.message),
      re.source,
    );
  };
  expectBad(good.subarray(0, good.length - 5), /truncated: expected \d+ bytes, file has \d+/);
  expectBad(good.subarray(0, 20), /truncated|header does not parse/);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 3] ^= 0xff;
  expectBad(flipped, /checksum mismatch/);
  expectBad(Buffer.concat([good, Buffer.from([0])]), /trailing bytes/);
  expectBad(Buffer.from('not a checkpoint at all'), /bad magic/);
  fs.rmSync(file);
  assert.throws(() => readCheckpoint(file), /cannot be read \(ENOENT\)/);
});
