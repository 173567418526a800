// The reproduce pipeline at the smoke preset, through the CLI as a user runs it: every table, figure
// and report.md is written; a run killed midway and started again skips finished steps and ends with
// the same tables as an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readCsv } from 'memgeo';

/** A table's rows as sorted strings, without wall-clock columns (`seconds`): what must not change. */
function content(file: string): string[] {
  return readCsv(file)
    .map((r) => JSON.stringify(Object.entries(r).filter(([k]) => k !== 'seconds')))
    .sort();
}

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repo, 'lib', 'bin', 'memgeo.js');
const TABLES = [
  'metrics.csv',
  'geometry.csv',
  'simcap.csv',
  'rewinding.csv',
  'double_descent.csv',
  'gradients.csv',
  'gradient_scaling.csv',
  'probes.csv',
  'prediction_depth.csv',
  'findings.csv',
];

function reproduce(out: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'reproduce', '--preset', 'smoke', '--out', out, '--progress', 'none'], {
    encoding: 'utf8',
    env: { ...process.env, MEMGEO_QUIET: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-reproduce-'));
const full = path.join(tmp, 'full');

test('reproduce --preset smoke writes every table, the figures and the report', { timeout: 900_000 }, () => {
  const r = reproduce(full);
  assert.equal(r.status, 0, r.stderr);
  for (const t of TABLES) {
    const text = fs.readFileSync(path.join(full, t), 'utf8').trim().split('\n');
    assert.ok(text.length > 1, `${t} has rows`);
  }
  const report = fs.readFileSync(path.join(full, 'report.md'), 'utf8');
  for (const title of [
    'Training with permuted labels',
    'Geometry across layers and epochs',
    'Rewinding the final layers',
    'Double descent across model width',
    'Gradient contributions of permuted examples',
    'Per-layer probes and prediction depth',
  ]) {
    assert.ok(report.includes(`## ${title}`), `report.md has the section '${title}'`);
  }
  assert.match(report, /\*\*(held|did not hold|undecided)\*\*/);
  // findings.csv holds the report's verdicts, one row per checked claim.
  const findings = readCsv(path.join(full, 'findings.csv'));
  const bullets = report.split('\n').filter((l) => /^- .*: \*\*(held|did not hold|undecided)\*\*\. /.test(l));
  assert.equal(findings.length, bullets.length);
  assert.deepEqual(
    findings.map((f) => `- ${f.claim}: **${f.verdict}**. ${f.evidence}`),
    bullets,
  );
  assert.ok(findings.every((f) => f.preset === 'smoke' && f.key !== '' && f.section !== ''));
  assert.ok(!report.includes('## Across presets'), 'no other results folder beside this one yet');
  assert.ok(fs.existsSync(path.join(full, 'report.html')));
  assert.ok(fs.existsSync(path.join(full, 'figures', 'plotly.js')));
  assert.ok(fs.readdirSync(path.join(full, 'figures')).filter((f) => f.endsWith('.html')).length >= 10);
  const steps = fs.readFileSync(path.join(full, 'timings.csv'), 'utf8');
  for (const s of ['train', 'geometry', 'rewinding', 'double_descent', 'gradients', 'probes', 'report'])
    assert.match(steps, new RegExp(`^${s},`, 'm'));
  // A second call has nothing left to do.
  const again = reproduce(full);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(fs.readFileSync(path.join(full, 'timings.csv'), 'utf8'), steps);
});

test(
  'killed midway and started again: finished steps are skipped, the tables equal an uninterrupted run',
  { timeout: 900_000 },
  async () => {
    const out = path.join(tmp, 'killed');
    // Kill the process as soon as the geometry step has finished (during the next step).
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'reproduce', '--preset', 'smoke', '--out', out, '--progress', 'none'], {
        env: { ...process.env, MEMGEO_QUIET: '1' },
        stdio: 'ignore',
      });
      const timer = setInterval(() => {
        if (fs.existsSync(path.join(out, '.steps', 'geometry.json'))) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 50);
      child.on('exit', () => {
        clearInterval(timer);
        if (fs.existsSync(path.join(out, '.steps', 'geometry.json'))) resolve();
        else reject(new Error('reproduce exited before the geometry step finished'));
      });
    });
    assert.ok(!fs.existsSync(path.join(out, '.steps', 'report.json')), 'the run was interrupted before the end');
    const before = fs.readFileSync(path.join(out, 'timings.csv'), 'utf8');
    const r = reproduce(out);
    assert.equal(r.status, 0, r.stderr);
    const after = fs.readFileSync(path.join(out, 'timings.csv'), 'utf8');
    for (const line of before.trim().split('\n').slice(1)) assert.ok(after.includes(line), `finished step kept, not redone: ${line}`);
    for (const t of TABLES) {
      assert.deepEqual(content(path.join(out, t)), content(path.join(full, t)), `${t} equals the uninterrupted run's`);
    }
    // The uninterrupted run's folder lies beside this one: the report puts both runs' verdicts side by side.
    const report = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    assert.match(report, /## Across presets\n\nThis run's verdicts beside those in the results folders next to it \(`full`;/);
    const across = report.slice(report.indexOf('## Across presets')).split('\n## ')[0];
    const rows = across.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| finding') && !l.startsWith('| ---'));
    assert.equal(rows.length, readCsv(path.join(full, 'findings.csv')).length, 'one row per claim');
    fs.rmSync(tmp, { recursive: true, force: true });
  },
);
