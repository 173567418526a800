// The repository stands alone: a user has only a clone, so nothing a user reads or runs may point
// outside it, and every note a comment or document cites must exist in it, down to the section.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** tests/dist/repository → repository root. */
const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** What a user reads or runs: the library, tests, notebooks, docs and the top-level documents. */
const ROOTS = ['lib/src', 'lib/bin', 'tests', 'notebooks', 'docs', '.ci', 'README.md', 'environment.md', 'package.json'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'fixtures', '.ipynb_checkpoints']);
const TEXT = /\.(ts|js|mjs|md|ipynb|json)$|^run$/;

function filesUnder(rel: string): string[] {
  const abs = path.join(repoRoot, rel);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return [rel];
  return fs.readdirSync(abs).flatMap((name) => (SKIP_DIRS.has(name) ? [] : filesUnder(path.join(rel, name))));
}

const files = ROOTS.flatMap(filesUnder).filter((f) => TEXT.test(path.basename(f)));

/** [file, line number, line] for every line matching `pattern`. */
function grep(pattern: RegExp): string[] {
  return files.flatMap((f) =>
    fs
      .readFileSync(path.join(repoRoot, f), 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${f}:${i + 1}: ${line.trim().slice(0, 160)}`] : [])),
  );
}

test('the scan covers the library, the tests and the notebooks', () => {
  for (const must of ['lib/src/index.ts', 'tests/run.mjs', 'notebooks/00-overview.ipynb', 'README.md'])
    assert.ok(files.includes(must), `${must} scanned`);
  assert.ok(files.length > 150, `${files.length} files scanned`);
});

test('nothing reads or cites a folder beside the checkout, notes outside it, or an issue number', () => {
  // Built from parts so that this file does not match itself.
  const outside = new RegExp(['\\.\\./', 'shared'].join(''));
  const issue = new RegExp(['\\b[Ii]ssues? ', '#?[0-9]+'].join(''));
  const notes = new RegExp(['(?<![\\w/-])notes/', '(paper|mftma|stack|small-scale|style)\\.md'].join(''));
  assert.deepEqual(grep(outside), [], 'paths outside the repository');
  assert.deepEqual(grep(issue), [], 'issue numbers (say what they stand for)');
  assert.deepEqual(grep(notes), [], 'notes outside the repository');
});

test('every docs/ citation names a file and section that exist', () => {
  const cite = /(?<![\w/.-])(?:docs\/)?(paper|mftma|small-scale|stack)\.md(?: (§[0-9]+(?:\.[0-9]+)?(?:[–-][0-9]+)?|Appendix [A-Z]))?/g;
  const missing: string[] = [];
  let checked = 0;
  for (const f of files) {
    for (const m of fs.readFileSync(path.join(repoRoot, f), 'utf8').matchAll(cite)) {
      checked++;
      const doc = path.join(repoRoot, 'docs', `${m[1]}.md`);
      if (!fs.existsSync(doc)) {
        missing.push(`${f}: ${m[0]} (no docs/${m[1]}.md)`);
        continue;
      }
      if (!m[2]) continue;
      const headings = fs
        .readFileSync(doc, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('#'));
      // §3–4 cites two sections: both must exist.
      const wanted = m[2].startsWith('§') ? sectionRange(m[2].slice(1)) : [m[2]];
      for (const w of wanted)
        if (!headings.some((h) => headingHas(h, w))) missing.push(`${f}: ${m[0]} (docs/${m[1]}.md has no heading for ${w})`);
    }
  }
  assert.ok(checked > 50, `${checked} citations checked`);
  assert.deepEqual(missing, []);
});

/** '3–4' → ['3', '4']; '3.5' → ['3.5']. */
function sectionRange(s: string): string[] {
  const [a, b] = s.split(/[–-]/);
  if (b === undefined) return [a];
  return Array.from({ length: Number(b) - Number(a) + 1 }, (_, i) => String(Number(a) + i));
}

/** A heading such as '## 4. Per-manifold analysis', '### 3.5 Manifold analysis setup' or '## Appendix A: …'. */
function headingHas(heading: string, section: string): boolean {
  const text = heading.replace(/^#+\s*/, '');
  if (section.startsWith('Appendix')) return text.startsWith(section);
  return new RegExp(`^§?${section.replace('.', '\\.')}(\\.|\\s|$)`).test(text);
}
