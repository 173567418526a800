// The package's public surface is deliberate: lib/src/index.ts names what a user of the README and
// the notebooks needs, and the sorted list of those names is committed beside this test, so that
// adding or removing one is a visible change. Every name the notebooks and the documents import from
// 'memgeo' must be in it (the committed notebooks run against the package as it is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** tests/dist/repository → repository root. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const SURFACE_FILE = path.join(repoRoot, 'tests', 'repository', 'publicSurface.txt');

let exportedCache: string[] | undefined;

/** The names lib/src/index.ts exports, as `name` (a value) or `type Name` (a type only), sorted by name. */
function exportedNames(): string[] {
  exportedCache ??= readExports();
  return exportedCache;
}

function readExports(): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(repoRoot, 'lib', 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  assert.ok(config, 'lib/tsconfig.json parses');
  const index = path.join(repoRoot, 'lib', 'src', 'index.ts');
  const program = ts.createProgram({ rootNames: [index], options: config.options });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(index);
  assert.ok(source, 'lib/src/index.ts is in the program');
  const module = checker.getSymbolAtLocation(source);
  assert.ok(module, 'lib/src/index.ts is a module');
  return checker
    .getExportsOfModule(module)
    .map((e) => {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      // A class re-exported with `export type` is a type here, as it is to the compiled package.
      const typeOnly = !(target.flags & ts.SymbolFlags.Value) || isTypeOnlyExport(e);
      return { name: e.name, line: typeOnly ? `type ${e.name}` : e.name };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => e.line);
}

function isTypeOnlyExport(symbol: ts.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
}

const SURFACE_HEADER = [
  '# The public surface of the memgeo package (lib/src/index.ts): one name a line, sorted, "type " before a',
  '# name that is only a type. tests/repository/publicSurface.test.ts compares it with the exports; after a',
  '# deliberate change, `MEMGEO_WRITE_SURFACE=1 npm test -- publicSurface` rewrites it.',
];

function committedSurface(): string[] {
  if (process.env.MEMGEO_WRITE_SURFACE === '1') fs.writeFileSync(SURFACE_FILE, [...SURFACE_HEADER, ...exportedNames(), ''].join('\n'));
  return fs
    .readFileSync(SURFACE_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

/** The names a piece of TypeScript/JavaScript imports from 'memgeo' (named imports, destructured require, `require('memgeo').x`). */
function memgeoImports(code: string): { name: string; typeOnly: boolean }[] {
  const found: { name: string; typeOnly: boolean }[] = [];
  const add = (list: string, typeOnly: boolean) => {
    for (const part of list.split(',')) {
      const p = part.trim();
      // `...` and `…` stand for elided names in the documents' prose examples.
      if (p === '' || /^(\.\.\.|…)$/.test(p)) continue;
      const type = p.startsWith('type ');
      found.push({ name: p.replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0], typeOnly: typeOnly || type });
    }
  };
  for (const m of code.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*['"]memgeo['"]/g)) add(m[2], !!m[1]);
  for (const m of code.matchAll(/(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:await\s+import|require)\(\s*['"]memgeo['"]\s*\)/g))
    add(m[1], false);
  for (const m of code.matchAll(/(?:require|import)\(\s*['"]memgeo['"]\s*\)\)?\.(\w+)/g)) found.push({ name: m[1], typeOnly: false });
  return found;
}

/** Code cells of the committed notebooks, and the code (and inline code) of the documents a user reads. */
function userCode(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const f of fs.readdirSync(path.join(repoRoot, 'notebooks')).filter((n) => n.endsWith('.ipynb'))) {
    const nb = JSON.parse(fs.readFileSync(path.join(repoRoot, 'notebooks', f), 'utf8')) as {
      cells: { cell_type: string; source: string | string[] }[];
    };
    for (const c of nb.cells.filter((c) => c.cell_type === 'code'))
      out.push({ file: `notebooks/${f}`, code: Array.isArray(c.source) ? c.source.join('') : c.source });
  }
  const docs = [
    'README.md',
    'environment.md',
    ...fs.readdirSync(path.join(repoRoot, 'docs')).map((f) => `docs/${f}`),
    ...fs.readdirSync(path.join(repoRoot, 'lib', 'src')).map((d) => `lib/src/${d}/README.md`),
  ].filter((f) => f.endsWith('.md') && fs.existsSync(path.join(repoRoot, f)));
  for (const f of docs) out.push({ file: f, code: fs.readFileSync(path.join(repoRoot, f), 'utf8') });
  return out;
}

test('the public surface is the committed list (update tests/repository/publicSurface.txt deliberately)', () => {
  const actual = exportedNames();
  const committed = committedSurface();
  const added = actual.filter((n) => !committed.includes(n));
  const removed = committed.filter((n) => !actual.includes(n));
  assert.deepEqual({ added, removed }, { added: [], removed: [] }, 'names lib/src/index.ts exports beside the committed list');
  assert.deepEqual(
    committed,
    [...committed].sort((a, b) => (bare(a) < bare(b) ? -1 : 1)),
    'the committed list is sorted by name',
  );
  assert.ok(actual.length > 50, `${actual.length} names exported`);
});

const bare = (line: string): string => line.replace(/^type /, '');

test('every name the notebooks and the documents import from memgeo is exported, values at run time', async () => {
  const surface = new Set(exportedNames());
  const runtime = (await import('memgeo')) as Record<string, unknown>;
  const sources = userCode();
  const missing: string[] = [];
  let checked = 0;
  const notebooksWithImports = new Set<string>();
  for (const { file, code } of sources) {
    for (const { name, typeOnly } of memgeoImports(code)) {
      checked++;
      if (file.startsWith('notebooks/')) notebooksWithImports.add(file);
      const ok = typeOnly ? surface.has(name) || surface.has(`type ${name}`) : surface.has(name) && name in runtime;
      if (!ok) missing.push(`${file}: ${name}`);
    }
  }
  const notebooks = fs.readdirSync(path.join(repoRoot, 'notebooks')).filter((n) => n.endsWith('.ipynb'));
  assert.equal(notebooksWithImports.size, notebooks.length, 'every notebook imports from memgeo (the scan found them)');
  assert.ok(checked > 60, `${checked} imports checked`);
  assert.deepEqual(missing, []);
});

test('the import scan reads the ways the documents write imports', () => {
  const code = [
    "import { a, type B, c as d } from 'memgeo';",
    "import type { E } from 'memgeo';",
    "import {\n  f,\n  g,\n} from 'memgeo';",
    "const { h, i: j } = require('memgeo');",
    'node -e "require(\'memgeo\').k()"',
    "import { ..., l } from 'memgeo';",
    "import { m } from 'other';",
  ].join('\n');
  assert.deepEqual(
    memgeoImports(code)
      .map((x) => (x.typeOnly ? `type ${x.name}` : x.name))
      .sort(),
    ['a', 'c', 'f', 'g', 'h', 'i', 'k', 'l', 'type B', 'type E'],
  );
});

test('the README section "Library API" names only exported names', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Library API'));
  assert.ok(section, 'README.md has a "Library API" section');
  const surface = new Set(exportedNames().map(bare));
  const names = [...section.matchAll(/`([A-Za-z_]\w*)(?:\([^`]*\))?`/g)].map((m) => m[1]);
  assert.ok(names.length > 30, `${names.length} names in the section`);
  assert.deepEqual(
    names.filter((n) => !surface.has(n)),
    [],
  );
});
