// The import graph of lib/src, read with the TypeScript compiler's parser (not a regex), and the checks
// docs/architecture.md states: imports point down the layer order, no domain folder imports the pipeline
// (experiments/) or the command line (cli/), and no two files import each other through any chain.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

/** One import of a file of lib/src by another, both as paths relative to lib/src without extension. */
export interface ImportEdge {
  from: string;
  to: string;
  /** `import type`, `export type ... from` or `import('...')` in a type position: erased at run time. */
  typeOnly: boolean;
}

/** Every module specifier a source text imports, type-only ones included (`import type`, `export ... from`, `import('x')`). */
export function importSpecifiers(sourceText: string, fileName = 'file.ts'): { specifier: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { specifier: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypeNamed =
        clause !== undefined &&
        clause.name === undefined &&
        clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly);
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: clause?.isTypeOnly === true || allTypeNamed });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      out.push({ specifier: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every .ts file under `srcRoot`, as a path relative to it without the extension ('manifold/nnls'). */
export function sourceModules(srcRoot: string): string[] {
  const walk = (rel: string): string[] =>
    fs.readdirSync(path.join(srcRoot, rel), { withFileTypes: true }).flatMap((d) => {
      const r = rel === '' ? d.name : `${rel}/${d.name}`;
      if (d.isDirectory()) return walk(r);
      return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [r.slice(0, -3)] : [];
    });
  return walk('').sort();
}

/** Resolves a relative specifier of `from` to a module of `modules` ('./x' → x or x/index); undefined for a package. */
export function resolveModule(from: string, specifier: string, modules: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier.replace(/\.(js|ts)$/, '')));
  for (const candidate of [base, `${base}/index`]) if (modules.has(candidate)) return candidate;
  return undefined;
}

/** The import graph of lib/src: one edge per (importing file, imported file, import statement). */
export function importGraph(srcRoot: string): { modules: string[]; edges: ImportEdge[]; unresolved: string[] } {
  const modules = sourceModules(srcRoot);
  const known = new Set(modules);
  const edges: ImportEdge[] = [];
  const unresolved: string[] = [];
  for (const from of modules) {
    const text = fs.readFileSync(path.join(srcRoot, `${from}.ts`), 'utf8');
    for (const { specifier, typeOnly } of importSpecifiers(text, `${from}.ts`)) {
      const to = resolveModule(from, specifier, known);
      if (to !== undefined) edges.push({ from, to, typeOnly });
      else if (specifier.startsWith('.')) unresolved.push(`${from}.ts: ${specifier}`);
    }
  }
  return { modules, edges, unresolved };
}

/** The folder a module belongs to: its first path segment; a file of lib/src itself (errors.ts, index.ts) is its own. */
export function folderOf(module: string): string {
  const slash = module.indexOf('/');
  return slash < 0 ? module : module.slice(0, slash);
}

/** Import cycles between files (type-only imports included), each as the list of files around it. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  // Tarjan's strongly connected components; every component of more than one file (or a file importing itself) is a cycle.
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) strongConnect(v);
  return cycles;
}

/** One cycle written as a path a reader can follow: `a → b → c → a`, each step an edge of the graph. */
export function describeCycle(cycle: readonly string[], edges: readonly ImportEdge[]): string {
  const inCycle = new Set(cycle);
  const next = new Map<string, string>();
  for (const e of edges) if (inCycle.has(e.from) && inCycle.has(e.to) && !next.has(e.from)) next.set(e.from, e.to);
  // Follow first edges from the first file until a file repeats; that loop lies inside the component.
  const seen: string[] = [];
  let at = cycle[0];
  while (!seen.includes(at)) {
    seen.push(at);
    at = next.get(at)!;
  }
  const loop = seen.slice(seen.indexOf(at));
  return [...loop, at].join(' → ');
}

/**
 * Edges that run up the layer order: `layers` lists folders bottom first, each entry one folder or a group
 * of folders on the same level (which may import each other). A folder may import its own and lower levels only.
 */
export function upwardImports(edges: readonly ImportEdge[], layers: readonly (readonly string[])[]): string[] {
  const level = new Map<string, number>();
  layers.forEach((group, i) => group.forEach((f) => level.set(f, i)));
  const bad: string[] = [];
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    const la = level.get(a);
    const lb = level.get(b);
    if (la === undefined || lb === undefined) bad.push(`${e.from} → ${e.to} (folder ${la === undefined ? a : b} has no layer)`);
    else if (lb > la) bad.push(`${e.from} → ${e.to} (${a} is below ${b})`);
  }
  return bad;
}
