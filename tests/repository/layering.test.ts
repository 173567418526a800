// Imports point down (docs/architecture.md "Layers"): no domain folder imports the pipeline
// (experiments/) or the command line (cli/), no two files of lib/src import each other through any chain
// (type-only imports included), and every import between folders goes down the written layer order.
// The checker is tested first on small synthetic graphs, so that a planted violation is seen to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeCycle, folderOf, importCycles, importGraph, importSpecifiers, upwardImports, type ImportEdge } from './importGraph';

/** tests/dist/repository → repository root. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const srcRoot = path.join(repoRoot, 'lib', 'src');

/**
 * The layers of lib/src, bottom first; folders on one line are one level (they may import each other,
 * file cycles still refused). The same order, with what each layer is for, is docs/architecture.md's table.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['random', 'io', 'parallel', 'simd'],
  ['tables'],
  ['notebook', 'progress'],
  ['manifold', 'backend', 'data', 'noise', 'models'],
  ['train'],
  ['geometry', 'rewind', 'gradients'],
  ['probes', 'doubleDescent'],
  ['contrast'],
  ['plots'],
  ['report'],
  ['experiments'],
  ['cli'],
  ['index'],
];

/** The folders above every domain folder: the pipeline, the command line, and the package's barrel. */
const TOP = new Set(['experiments', 'cli', 'index']);

/** Imports from a domain folder (anything but experiments/, cli/ and the barrel) into experiments/ or cli/. */
function domainImportsOfTop(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => !TOP.has(folderOf(e.from)) && (folderOf(e.to) === 'experiments' || folderOf(e.to) === 'cli'))
    .map((e) => `${e.from}.ts imports ${e.to}.ts${e.typeOnly ? ' (type only)' : ''}`);
}

const edge = (from: string, to: string, typeOnly = false): ImportEdge => ({ from, to, typeOnly });

test('importSpecifiers: every kind of import, type-only ones marked', () => {
  const src = [
    "import * as fs from 'fs';",
    "import { a, type B } from './a';",
    "import type { C } from '../c';",
    "import { type D } from './d';",
    "export * from './e';",
    "export type { F } from './f';",
    "export { g } from './g';",
    "import h = require('./h');",
    "const i = require('./i');",
    "async function f() { await import('./j'); }",
    "let k: import('./k').K;",
    "import './l';",
    "// import { x } from './commented';",
    'const s = "import { y } from \'./in-a-string\'";',
  ].join('\n');
  assert.deepEqual(importSpecifiers(src), [
    { specifier: 'fs', typeOnly: false },
    { specifier: './a', typeOnly: false },
    { specifier: '../c', typeOnly: true },
    { specifier: './d', typeOnly: true },
    { specifier: './e', typeOnly: false },
    { specifier: './f', typeOnly: true },
    { specifier: './g', typeOnly: false },
    { specifier: './h', typeOnly: false },
    { specifier: './i', typeOnly: false },
    { specifier: './j', typeOnly: false },
    { specifier: './k', typeOnly: true },
    { specifier: './l', typeOnly: false },
  ]);
});

test('the checker fails on planted violations: a type-only cycle, a domain folder importing experiments/, an upward import', () => {
  const planted = [
    edge('experiments/experiment', 'experiments/steps/index'),
    edge('experiments/steps/index', 'experiments/steps/train'),
    edge('experiments/steps/train', 'experiments/experiment', true),
    edge('geometry/analyzeRun', 'experiments/presets', true),
    edge('geometry/analyzeRun', 'manifold/analysisSettings'),
    edge('manifold/nnls', 'train/runDir'),
    edge('train/runDir', 'errors'),
  ];
  const cycles = importCycles(planted);
  assert.deepEqual(cycles, [['experiments/experiment', 'experiments/steps/index', 'experiments/steps/train']]);
  assert.equal(
    describeCycle(cycles[0], planted),
    'experiments/experiment → experiments/steps/index → experiments/steps/train → experiments/experiment',
  );
  assert.deepEqual(domainImportsOfTop(planted), ['geometry/analyzeRun.ts imports experiments/presets.ts (type only)']);
  assert.deepEqual(upwardImports(planted, LAYERS), [
    'geometry/analyzeRun → experiments/presets (geometry is below experiments)',
    'manifold/nnls → train/runDir (manifold is below train)',
  ]);
  // A file importing itself is a cycle; a folder with no layer is named; a clean graph passes.
  assert.deepEqual(importCycles([edge('a/x', 'a/x', true)]), [['a/x']]);
  assert.deepEqual(upwardImports([edge('newFolder/x', 'errors')], LAYERS), ['newFolder/x → errors (folder newFolder has no layer)']);
  const clean = planted.filter((_, i) => ![2, 3, 5].includes(i)); // without the three planted violations
  assert.deepEqual([importCycles(clean), domainImportsOfTop(clean), upwardImports(clean, LAYERS)], [[], [], []]);
});

const graph = importGraph(srcRoot);

test('the import graph covers lib/src: every file, its relative imports resolved', () => {
  assert.ok(graph.modules.length > 150, `${graph.modules.length} files`);
  assert.ok(graph.edges.length > 500, `${graph.edges.length} imports between files`);
  for (const m of ['errors', 'index', 'experiments/experiment', 'manifold/analysisSettings', 'train/selectEpochs'])
    assert.ok(graph.modules.includes(m), `${m}.ts found`);
  // The package's own package.json is the only relative import outside lib/src.
  assert.deepEqual(
    graph.unresolved.filter((u) => !u.endsWith('package.json')),
    [],
    'relative imports that resolve to no file of lib/src',
  );
});

test('no domain folder imports experiments/ (the pipeline) or cli/ (the command line)', () => {
  assert.deepEqual(domainImportsOfTop(graph.edges), []);
});

test('no import cycle between files of lib/src, type-only imports included', () => {
  assert.deepEqual(
    importCycles(graph.edges).map((c) => describeCycle(c, graph.edges)),
    [],
  );
});

test('every folder of lib/src has a layer, and every import between folders points down', () => {
  const placed = new Set(LAYERS.flat());
  const folders = [...new Set(graph.modules.map(folderOf))].sort();
  assert.deepEqual(
    folders.filter((f) => !placed.has(f)),
    [],
    'folders without a layer (add them to LAYERS here and to docs/architecture.md)',
  );
  assert.deepEqual(upwardImports(graph.edges, LAYERS), []);
});

test('docs/architecture.md states the same layer order as this test', () => {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'architecture.md'), 'utf8');
  // Rows of the layer table: "| 3 | `notebook`, `progress` | ... |".
  const rows = [...doc.matchAll(/^\| *(\d+) *\| *([^|]+)\|/gm)].map((m) => ({
    level: Number(m[1]),
    folders: [...m[2].matchAll(/`([^`]+)`/g)].map((f) => f[1].replace(/(\/|\.ts)$/, '')),
  }));
  assert.deepEqual(
    rows.map((r) => r.level),
    LAYERS.map((_, i) => i),
  );
  assert.deepEqual(
    rows.map((r) => r.folders),
    LAYERS.map((l) => [...l]),
  );
});
