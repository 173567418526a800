// Bad input on the command line: every case gets a clear error (exit code 2, one message, no stack
// trace) and nothing that existed before is changed. Each case works in its own temp folder, on a
// copy of one small MNIST run trained once for this file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from 'memgeo';
import { fileSnapshot as snapshot } from '../train/fixtures';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1', ...env }, timeout: 180_000 });

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-badinput-'));
const template = path.join(root, 'template', 'run');
const TRAIN = [
  '--dataset',
  'mnist',
  '--train-size',
  '100',
  '--test-size',
  '50',
  '--model',
  'mlp',
  '--depth',
  '1',
  '--width',
  '16',
  '--epochs',
  '2',
  '--batch-size',
  '25',
  '--lr',
  '0.01',
  '--progress',
  'none',
];
let caseNo = 0;

/** A fresh folder for one case, with a copy of the template run at `<folder>/run`. */
function caseDir(withRun = true): { dir: string; run: string } {
  const dir = path.join(root, `case-${++caseNo}`);
  fs.mkdirSync(dir);
  const run = path.join(dir, 'run');
  if (withRun) fs.cpSync(template, run, { recursive: true });
  return { dir, run };
}

/** Every file of `before` is still there, byte for byte; with `exact`, nothing was added either. */
function assertUnchanged(dir: string, beforeFiles: Map<string, Buffer>, exact = true): void {
  const now = snapshot(dir);
  for (const [f, bytes] of beforeFiles) {
    assert.ok(now.has(f), `${f} was removed`);
    assert.ok(now.get(f)!.equals(bytes), `${f} was changed`);
  }
  if (exact) assert.deepEqual([...now.keys()].sort(), [...beforeFiles.keys()].sort(), 'files were added');
}

/** Run a command that must be refused: exit 2, a message matching `re`, no stack trace, `dir` untouched. */
function refused(args: string[], re: RegExp, dir: string, env: Record<string, string> = {}): string {
  const beforeFiles = snapshot(dir);
  const r = memgeo(args, env);
  assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  assert.match(r.stderr, re, args.join(' '));
  assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace: ${r.stderr}`);
  assertUnchanged(dir, beforeFiles);
  return r.stderr;
}

before(() => {
  const r = memgeo(['train', ...TRAIN, '--out', template]);
  assert.equal(r.status, 0, r.stderr);
});

after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('1. rewind --out never replaces a file memgeo did not write', () => {
  test('a user file, the run config and a folder are refused', () => {
    const { dir, run } = caseDir();
    const mine = path.join(dir, 'notes.csv');
    fs.writeFileSync(mine, 'my,own\n1,2\n');
    const sweep = ['--epochs', '0,2', '--mode', 'single', '--quiet'];
    refused(
      ['rewind', run, '--out', mine, ...sweep],
      /notes\.csv exists and is not a rewinding table written by memgeo \(no notes\.meta\.json/,
      dir,
    );
    refused(
      ['rewind', run, '--out', path.join(run, 'config.json'), ...sweep],
      /config\.json exists and is not a rewinding table written by memgeo/,
      dir,
    );
    refused(['rewind', run, '--out', path.join(run, 'metrics.csv'), ...sweep], /metrics\.csv exists and is not a rewinding table/, dir);
    fs.mkdirSync(path.join(dir, 'folder'));
    refused(
      ['rewind', run, '--out', path.join(dir, 'folder'), ...sweep],
      /cannot write a rewinding table to .*folder: it is a folder; give the path of a file/,
      dir,
    );
  });
});

describe('2. reproduce --out takes only an empty folder or its own results folder', () => {
  test('a training run, a foreign non-empty folder and a file are refused, nothing written', () => {
    const { dir, run } = caseDir();
    refused(
      ['reproduce', '--preset', 'smoke', '--steps', 'train', '--out', run, '--progress', 'none'],
      /cannot use .*run as a results folder: it is a memgeo training run/,
      dir,
    );
    const mine = path.join(dir, 'mine');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'thesis.tex'), '\\documentclass{article}\n');
    refused(
      ['reproduce', '--preset', 'smoke', '--steps', 'train', '--out', mine, '--progress', 'none'],
      /it is not empty and holds no memgeo results \(no preset\.json; it has thesis\.tex\)\. Nothing was written/,
      dir,
    );
    refused(
      ['reproduce', '--preset', 'smoke', '--out', path.join(mine, 'thesis.tex'), '--progress', 'none'],
      /thesis\.tex as a results folder: it is a file, not a folder/,
      dir,
    );
  });

  test('sweep width --out refuses a training run', () => {
    const { dir, run } = caseDir();
    const cfg = path.join(dir, 'sweep.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        base: { trainSize: 100, testSize: 50, model: { family: 'mlp', depth: 1 }, epochs: 1 },
        widths: [4],
        analysis: null,
      }),
    );
    refused(
      ['sweep', 'width', '--config', cfg, '--out', run, '--progress', 'none'],
      /cannot use .*run as a width-sweep folder: it is a memgeo training run/,
      dir,
    );
  });
});

describe('3. missing or damaged tables: rebuilt from the checkpoints, or named with what to do', () => {
  test('a deleted metrics.csv is recomputed from the checkpoints when the run is resumed', () => {
    const { run } = caseDir();
    const original = fs.readFileSync(path.join(run, 'metrics.csv'), 'utf8');
    fs.rmSync(path.join(run, 'metrics.csv'));
    const r = memgeo(['train', ...TRAIN.map((a) => (a === '2' ? '3' : a)), '--out', run]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /metrics\.csv lacked epoch\(s\) 0-2: recomputed from their checkpoints/);
    const rebuilt = fs.readFileSync(path.join(run, 'metrics.csv'), 'utf8').trim().split('\n');
    const old = original.trim().split('\n');
    // The recomputed rows of epochs 0-2 are the rows written while training; epoch 3 follows.
    assert.deepEqual(rebuilt.slice(0, old.length), old);
    assert.deepEqual([...new Set(rebuilt.slice(1).map((l) => Number(l.split(',')[0])))], [0, 1, 2, 3]);
  });

  test('a finished run without metrics.csv: rerunning its command rebuilds it; rewind says what is missing', () => {
    const { dir, run } = caseDir();
    const original = fs.readFileSync(path.join(run, 'metrics.csv'));
    fs.rmSync(path.join(run, 'metrics.csv'));
    const beforeFiles = snapshot(dir);
    const rw = memgeo(['rewind', run, '--epochs', '0,2', '--mode', 'last', '--quiet']);
    assert.equal(rw.status, 0, rw.stderr);
    assert.match(rw.stdout, /no findings: .*metrics\.csv is missing[\s\S]*memgeo train --config .*config\.json --out/);
    const an = memgeo([
      'analyze',
      run,
      '--epochs',
      'count:2',
      '--layers',
      'fc1',
      '--P',
      '2',
      '--M',
      '3',
      '--n-t',
      '5',
      '--seeds',
      '1',
      '--progress',
      'none',
    ]);
    assert.equal(an.status, 0, an.stderr);
    assert.match(an.stderr, /metrics\.csv is missing, and the choice of epochs \(the test-accuracy peak is always among them\) need/);
    assertUnchanged(dir, beforeFiles, false);
    const r = memgeo(['train', '--config', path.join(run, 'config.json'), '--out', run, '--progress', 'none']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /already complete/);
    assert.ok(fs.readFileSync(path.join(run, 'metrics.csv')).equals(original), 'rebuilt metrics.csv equals the one written while training');
  });

  test('a junk header, a cut-off file and an empty file are errors naming the file and the remedy', () => {
    const { dir, run } = caseDir();
    const metrics = path.join(run, 'metrics.csv');
    const text = fs.readFileSync(metrics, 'utf8');
    fs.writeFileSync(metrics, text.replace(/^[^\n]*/, 'junk;header'));
    refused(
      ['train', ...TRAIN, '--out', run],
      /metrics\.csv is damaged: its header lacks epoch, split, loss, accuracy, count[\s\S]*delete it and rerun the training command/,
      dir,
    );
    fs.writeFileSync(metrics, text.slice(0, text.length - 7));
    refused(['analyze', run, '--epochs', 'count:2', '--layers', 'fc1'], /metrics\.csv is damaged: it does not end with a newline/, dir);
    refused(['rewind', run, '--quiet'], /metrics\.csv is damaged/, dir);
    fs.writeFileSync(metrics, '');
    refused(['rewind', run, '--quiet'], /metrics\.csv is damaged: the file is empty/, dir);
  });

  test('a damaged geometry.csv and labels.csv are named, nothing is overwritten', () => {
    const { dir, run } = caseDir();
    fs.writeFileSync(path.join(run, 'geometry.csv'), 'epoch,layer\n0,fc1\n0');
    refused(
      ['analyze', run, '--epochs', '0', '--layers', 'fc1', '--P', '2', '--M', '3', '--n-t', '5', '--seeds', '1'],
      /geometry\.csv is damaged: its header lacks .*delete it and rerun the command to recompute it/,
      dir,
    );
    const labels = path.join(run, 'labels.csv');
    fs.writeFileSync(labels, fs.readFileSync(labels, 'utf8').slice(0, 500));
    refused(['eval', run], /labels\.csv is damaged: it does not end with a newline.*noisy labels/, dir);
  });
});

describe('4. a train that fails in its first epoch leaves no half-made run', () => {
  test('a model too large is refused before anything is written', () => {
    const { dir } = caseDir(false);
    const out = path.join(dir, 'big');
    refused(
      ['train', ...TRAIN.map((a) => (a === '16' ? '1e7' : a)), '--out', out],
      /config\.model\.width: must be an integer number of units in 1\.\.16384 \(a wider layer would not fit in memory\)/,
      dir,
    );
    assert.equal(fs.existsSync(out), false);
  });

  test('a run killed before its first checkpoint is replaced by the corrected command', () => {
    const { dir } = caseDir(false);
    const out = path.join(dir, 'run');
    fs.mkdirSync(out);
    // What a process killed (out of memory) during epoch 0 leaves: config.json and labels.csv.
    const killedConfig = JSON.parse(fs.readFileSync(path.join(template, 'config.json'), 'utf8'));
    killedConfig.model.width = 9000;
    fs.writeFileSync(path.join(out, 'config.json'), JSON.stringify(killedConfig));
    fs.copyFileSync(path.join(template, 'labels.csv'), path.join(out, 'labels.csv'));
    const r = memgeo(['train', ...TRAIN, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /never reached its first checkpoint; starting it again/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).model.width, 16);
    assert.deepEqual(fs.readdirSync(path.join(out, 'checkpoints')).sort(), ['epoch-0000.ckpt', 'epoch-0001.ckpt', 'epoch-0002.ckpt']);
  });
});

describe('5. huge values: upper bounds with the reason, at once', () => {
  test('epoch lists and ranges, count:N and n_t', () => {
    const { dir, run } = caseDir();
    refused(
      ['eval', run, '--epoch', '0-1000000000:2'],
      /--epoch: '0-1000000000:2' is above 100000: no run has more than 100000 epochs/,
      dir,
    );
    refused(['analyze', run, '--epochs', '0-100000000'], /--epochs: '0-100000000' is above 100000/, dir);
    refused(
      ['analyze', run, '--epochs', '0-99999'],
      /no checkpoint for epoch\(s\) 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, \.\.\. 99997, 99998, 99999 \(99997 in all\)/,
      dir,
    );
    refused(['analyze', run, '--epochs', 'count:1000000000'], /--epochs count:N needs N <= 100000/, dir);
    refused(['rewind', run, '--epoch-count', '1000000000'], /--epoch-count: must be <= 100000/, dir);
    refused(
      ['analyze', run, '--n-t', '30000000'],
      /n_t must be at most 100000, got 30000000: the capacity estimate's sampling error falls as 1\/sqrt\(n_t\)/,
      dir,
    );
    const npy = path.join(dir, 'acts.npy');
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i) + (i >= 12 ? 3 : 0));
    fs.writeFileSync(npy, encodeNpy({ shape: [2, 3, 4], data, dtype: 'f4' }));
    refused(['mftma', '--input', npy, '--n-t', '1e9'], /nT \(n_t\) must be at most 100000, got 1000000000/, dir);
    refused(['mftma', '--input', npy, '--n-t', '30000000', '--seeds', '2'], /must be at most 100000/, dir);
  });
});

describe('6. file-system errors are named, not thrown', () => {
  test('--out is a file, or under a file', () => {
    const { dir, run } = caseDir();
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'mine\n');
    refused(['train', ...TRAIN, '--out', file], /cannot use .*a-file as a run directory: it is a file, not a folder/, dir);
    refused(
      ['train', ...TRAIN, '--out', path.join(file, 'run')],
      /cannot create folder .*a-file\/run: .*a-file is a file, not a folder/,
      dir,
    );
    refused(
      ['reproduce', '--preset', 'smoke', '--out', path.join(file, 'results'), '--progress', 'none'],
      /cannot create folder .*a-file\/results: .*a-file is a file, not a folder/,
      dir,
    );
    refused(
      ['rewind', run, '--out', path.join(file, 'r.csv'), '--quiet'],
      /cannot create folder .*a-file: it is a file|cannot write into .*a-file: it is a file, not a folder/,
      dir,
    );
  });

  test('a read-only folder: "permission denied"', (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root, which ignores folder permissions; ENOTDIR and EEXIST are covered above');
      return;
    }
    const { dir } = caseDir(false);
    const ro = path.join(dir, 'read-only');
    fs.mkdirSync(ro);
    fs.chmodSync(ro, 0o555);
    try {
      refused(['train', ...TRAIN, '--out', path.join(ro, 'run')], /cannot create folder .*read-only\/run: permission denied/, dir);
    } finally {
      fs.chmodSync(ro, 0o755);
    }
  });

  test('MEMGEO_BACKEND=bogus is a clear error, also for version', () => {
    const { dir } = caseDir(false);
    refused(['version'], /MEMGEO_BACKEND='bogus' is not a backend memgeo knows; use one of: tensorflow, wasm, cpu/, dir, {
      MEMGEO_BACKEND: 'bogus',
    });
  });
});

describe('7. null and unknown fields in config files', () => {
  test('"epochs": null, "noise": null and a typo are refused', () => {
    const { dir } = caseDir(false);
    const cfg = (name: string, value: unknown) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, JSON.stringify(value));
      return f;
    };
    const out = path.join(dir, 'out');
    refused(
      ['train', '--config', cfg('e.json', { epochs: null }), '--out', out],
      /config\.epochs: null is not a value for this field; leave the field out for its default/,
      dir,
    );
    refused(['train', '--config', cfg('n.json', { noise: null }), '--out', out], /config\.noise: null is not a value/, dir);
    refused(
      ['train', '--config', cfg('k.json', { noise: { epsilon: null } }), '--out', out],
      /config\.noise\.epsilon: null is not a value/,
      dir,
    );
    refused(['train', '--config', cfg('m.json', { model: null }), '--width', '2', '--out', out], /config\.model: null is not a value/, dir);
    refused(
      ['train', '--config', cfg('t.json', { epoch: 3 }), '--out', out],
      /config\.epoch: unknown field \(known: dataset, trainSize/,
      dir,
    );
    refused(
      ['sweep', 'width', '--config', cfg('s.json', { base: {}, widths: [1], interpolationTolerance: null }), '--out', out],
      /sweep config\.interpolationTolerance: null is not a value/,
      dir,
    );
  });
});

describe('8. seeds outside 0..2^32-1', () => {
  test('are refused, not wrapped', () => {
    const { dir, run } = caseDir();
    for (const seed of ['4294967296', '1e30', '-1', '1.5']) {
      // '--seed=-1': a value starting with a dash must be attached to its flag.
      refused(['train', `--seed=${seed}`, '--print-config'], /--seed: a seed must be an integer in 0\.\.4294967295/, dir);
    }
    refused(['train', '--data-seed', '4294967296', '--print-config'], /--data-seed: a seed must be an integer/, dir);
    refused(['analyze', run, '--seed', '4294967296'], /--seed: a seed must be an integer/, dir);
    refused(
      ['analyze', run, '--seed', '4294967295', '--seeds', '3'],
      /seed \+ seeds - 1 \(the last analysis seed\): a seed must be an integer in 0\.\.4294967295/,
      dir,
    );
    refused(['gradients', run, '--seed', '1e30'], /--seed: a seed must be an integer/, dir);
    const cfg = path.join(dir, 'seed.json');
    fs.writeFileSync(cfg, JSON.stringify({ seed: 2 ** 32 }));
    refused(['train', '--config', cfg, '--print-config'], /config\.seed: must be <= 4294967295/, dir);
  });
});

describe('10. a run records a fingerprint of its data; changed data is refused', () => {
  test('eval, analyze, rewind and resume refuse a run whose data changed', () => {
    const { dir, run } = caseDir();
    const configFile = path.join(run, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    assert.match(config.run.data.fingerprint.train, /^[0-9a-f]{64}$/);
    assert.match(config.run.data.fingerprint.test, /^[0-9a-f]{64}$/);
    // The data on disk is what it was; a different stored fingerprint stands for changed pixels.
    config.run.data.fingerprint.train = '0'.repeat(64);
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
    const msg = /the training images or labels differ from the ones this run was trained on[\s\S]*restore the originals/;
    refused(['eval', run], msg, dir);
    refused(['train', ...TRAIN.map((a) => (a === '2' ? '3' : a)), '--out', run], msg, dir);
    refused(['analyze', run, '--epochs', '0', '--layers', 'fc1', '--P', '2', '--M', '3', '--n-t', '5', '--seeds', '1'], msg, dir);
    refused(['rewind', run, '--epochs', '0', '--mode', 'last', '--quiet'], msg, dir);
  });

  test('a run made before fingerprints is accepted; resuming records the fingerprint', () => {
    const { dir, run } = caseDir();
    const configFile = path.join(run, 'config.json');
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    const fingerprint = config.run.data.fingerprint;
    delete config.run.data.fingerprint;
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
    const beforeFiles = snapshot(dir);
    const ev = memgeo(['eval', run]);
    assert.equal(ev.status, 0, ev.stderr);
    assertUnchanged(dir, beforeFiles);
    const r = memgeo(['train', ...TRAIN, '--out', run]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /has no data fingerprint \(made by an older memgeo\); recording the current data's/);
    assert.deepEqual(JSON.parse(fs.readFileSync(configFile, 'utf8')).run.data.fingerprint, fingerprint);
  });
});
