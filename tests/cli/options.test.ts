// The CLI's shared flags mean the same and fail with the same message in every command that has
// them; MEMGEO_PROGRESS is checked before any work starts. All cases here are refused while the
// flags are parsed, so none needs a trained run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1', ...env } });

function refused(args: string[], re: RegExp, env: Record<string, string> = {}): void {
  const r = memgeo(args, env);
  assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  assert.match(r.stderr, re, args.join(' '));
  assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace: ${r.stderr}`);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-cli-options-'));
const run = path.join(root, 'no-run');
const PROGRESS_COMMANDS = [
  ['analyze', run],
  ['probe', run],
  ['gradients', run],
  ['sweep', 'width', '--preset', 'smoke', '--out', path.join(root, 'sweep')],
  ['reproduce', '--preset', 'smoke', '--out', path.join(root, 'results')],
  ['train', '--out', path.join(root, 'train')],
];

test('--progress: one set of modes and one message in every command', () => {
  for (const args of PROGRESS_COMMANDS)
    refused([...args, '--progress', 'live'], /^memgeo \w+: --progress: expected bar, lines, compact or none, got 'live'\n$/);
  assert.deepEqual(fs.readdirSync(root), [], 'nothing written');
});

test('a bad MEMGEO_PROGRESS exits 2 before anything is written, in commands with --progress and rewind (--quiet)', () => {
  const msg = /MEMGEO_PROGRESS: expected one of auto, bar, lines, compact, live, none, got 'loud'/;
  for (const args of [...PROGRESS_COMMANDS, ['rewind', run]]) refused(args, msg, { MEMGEO_PROGRESS: 'loud' });
  // A mode given on the command line replaces the variable, as in the library.
  refused(['analyze', run, '--progress', 'none'], /no-run/, { MEMGEO_PROGRESS: 'loud' });
  assert.deepEqual(fs.readdirSync(root), [], 'nothing written');
});

test('the analysis flags parse the same in analyze, probe and mftma', () => {
  const input = path.join(root, 'm.json');
  refused(['analyze', run, '--mode', 'fast'], /--mode: expected stable or faithful, got 'fast'/);
  refused(['mftma', '--input', input, '--mode', 'fast'], /--mode: expected stable or faithful, got 'fast'/);
  for (const args of [
    ['analyze', run],
    ['probe', run],
    ['bench', 'probes', run],
  ])
    refused([...args, '--P', '1'], /--P: must be >= 2, got 1/);
  refused(['probe', run, '--metric', 'manhattan'], /--metric: expected cosine or euclidean, got 'manhattan'/);
  // Flags a command does not have stay unknown to it.
  refused(['probe', run, '--n-t', '10'], /Unknown option '--n-t'/);
  for (const cmd of ['analyze', 'probe', 'gradients', 'eval', 'rewind']) refused([cmd], /expected one run directory, got 0/);
});

test('commands and bench targets are listed by one loader', () => {
  const help = memgeo(['--help']);
  assert.equal(help.status, 0);
  for (const cmd of ['analyze', 'bench', 'train', 'version']) assert.match(help.stdout, new RegExp(`^  ${cmd} +\\S`, 'm'));
  const bench = memgeo(['bench', '--help']);
  assert.equal(bench.status, 0);
  for (const target of ['conv', 'data', 'epoch', 'mftma', 'train']) assert.match(bench.stdout, new RegExp(`^  ${target} +\\S`, 'm'));
  refused(['bench', 'nothing'], /unknown bench target 'nothing'; one of: conv, data, epoch/);
});

test.after(() => fs.rmSync(root, { recursive: true, force: true }));
