// The report's verdicts as a tidy table (findings.csv) and their comparison across results folders,
// from the library and from `memgeo compare`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareFindings, FINDINGS_COLUMNS, findingsRows, readCsv, siblingFindingsDirs, writeCsv, type ReportSection } from 'memgeo';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1' } });

const section = (id: string, checks: ReportSection['checks']): ReportSection => ({
  id,
  title: `title ${id}`,
  paperClaim: '',
  figures: [],
  checks,
});

const RUN_A = [
  section('training', [
    { key: 'memorized', claim: 'permuted fitted (epoch 40)', held: true, evidence: '97%' },
    { claim: 'unkeyed claim', held: null, evidence: 'n/a' },
  ]),
  section('geometry', [{ key: 'shrinks', claim: 'fc1 radius falls', held: false, evidence: '-2%' }]),
];
const RUN_B = [
  section('training', [{ key: 'memorized', claim: 'permuted fitted (epoch 60)', held: true, evidence: '92%' }]),
  section('geometry', [{ key: 'shrinks', claim: 'fc2 radius falls', held: true, evidence: '-20%' }]),
  section('probes', [{ key: 'knn', claim: 'kNN rises', held: true, evidence: '+0.3' }]),
];

test('findingsRows: one row per check, keyed by its key or its position in the section', () => {
  const rows = findingsRows(RUN_A, 'a');
  assert.deepEqual(
    rows.map((r) => [r.preset, r.section, r.key, r.verdict]),
    [
      ['a', 'training', 'memorized', 'held'],
      ['a', 'training', '#2', 'undecided'],
      ['a', 'geometry', 'shrinks', 'did not hold'],
    ],
  );
  assert.deepEqual(Object.keys(rows[0]), FINDINGS_COLUMNS);
});

test('compareFindings: claims matched by key across presets, the first wording kept, absent ones marked', () => {
  const t = compareFindings([findingsRows(RUN_A, 'a'), findingsRows(RUN_B, 'b')]);
  assert.deepEqual(t.columns, ['finding', 'claim', 'a', 'b']);
  assert.deepEqual(t.rows, [
    ['title training', 'permuted fitted (epoch 40)', 'held: 97%', 'held: 92%'],
    ['title training', 'unkeyed claim', 'undecided: n/a', 'not checked'],
    ['title geometry', 'fc1 radius falls', 'did not hold: -2%', 'held: -20%'],
    ['title probes', 'kNN rises', 'not checked', 'held: +0.3'],
  ]);
});

test('memgeo compare: a markdown table of two folders; --out never replaces a foreign file; bad folders exit 2', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-compare-'));
  for (const [name, sections] of [
    ['a', RUN_A],
    ['b', RUN_B],
  ] as const) {
    fs.mkdirSync(path.join(root, name));
    writeCsv(path.join(root, name, 'findings.csv'), findingsRows(sections, name), FINDINGS_COLUMNS);
  }
  assert.deepEqual(siblingFindingsDirs(path.join(root, 'a')), [path.join(root, 'b')]);
  assert.equal(readCsv(path.join(root, 'b', 'findings.csv')).length, 3);

  const out = path.join(root, 'comparison.md');
  const ok = memgeo(['compare', path.join(root, 'a'), path.join(root, 'b'), '--out', out]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /\| finding \| claim \| a \| b \|/);
  assert.match(ok.stdout, /\| title geometry \| fc1 radius falls \| did not hold: -2% \| held: -20% \|/);
  assert.equal(fs.readFileSync(out, 'utf8'), ok.stdout);
  assert.equal(memgeo(['compare', path.join(root, 'a'), path.join(root, 'b'), '--out', out]).status, 0, 'its own file is replaced');

  const foreign = path.join(root, 'notes.md');
  fs.writeFileSync(foreign, 'my notes\n');
  const refused = memgeo(['compare', path.join(root, 'a'), path.join(root, 'b'), '--out', foreign]);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /refusing to replace it/);
  assert.equal(fs.readFileSync(foreign, 'utf8'), 'my notes\n');

  const missing = memgeo(['compare', path.join(root, 'a'), path.join(root, 'nowhere')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nowhere has no findings\.csv: run 'npx memgeo reproduce/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(memgeo(['compare', path.join(root, 'a')]).status, 2, 'one folder is not a comparison');
  fs.rmSync(root, { recursive: true, force: true });
});
