import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { readCsv, type Row } from '../tables/csv';
import type { FindingCheck, NumberTable, ReportSection } from './types';

/** The report's verdicts as a tidy table: `findings.csv`, one row per checked claim. */
export const FINDINGS_FILE = 'findings.csv';
export const FINDINGS_COLUMNS = ['preset', 'section', 'finding', 'key', 'claim', 'verdict', 'evidence'];

export type Verdict = 'held' | 'did not hold' | 'undecided';

export function verdictOf(c: Pick<FindingCheck, 'held'>): Verdict {
  return c.held === true ? 'held' : c.held === false ? 'did not hold' : 'undecided';
}

/** One row per check of every section; a check without a key is named by its position in the section. */
export function findingsRows(sections: ReportSection[], preset: string): Row[] {
  return sections.flatMap((s) =>
    s.checks.map((c, i) => ({
      preset,
      section: s.id,
      finding: s.title,
      key: c.key ?? `#${i + 1}`,
      claim: c.claim,
      verdict: verdictOf(c),
      evidence: c.evidence,
    })),
  );
}

/** findings.csv of a results folder, or an InputError that says how to make one. */
export function readFindings(dir: string): Row[] {
  const file = path.join(dir, FINDINGS_FILE);
  if (!fs.existsSync(file))
    throw new InputError(`${dir} has no ${FINDINGS_FILE}: run 'npx memgeo reproduce --out ${dir}' (its report step writes it) first`);
  return readCsv(file, { columns: FINDINGS_COLUMNS });
}

/**
 * The verdicts of several results folders side by side: one row per (section, key) in the order the
 * first folder lists them (claims only another folder checks follow), each preset's verdict with its
 * numbers. The claim is worded as in the first folder that checks it (wordings name their own epochs).
 */
export function compareFindings(tables: Row[][]): NumberTable {
  const presets = tables.map((rows, i) => String(rows[0]?.preset ?? `run ${i + 1}`));
  const order: string[] = [];
  const first = new Map<string, Row>();
  const cell = new Map<string, string>();
  tables.forEach((rows, t) => {
    for (const r of rows) {
      const id = `${r.section}\u0000${r.key}`;
      if (!first.has(id)) {
        first.set(id, r);
        order.push(id);
      }
      cell.set(`${t}\u0000${id}`, `${r.verdict}: ${r.evidence}`);
    }
  });
  return {
    columns: ['finding', 'claim', ...presets],
    rows: order.map((id) => {
      const r = first.get(id)!;
      return [String(r.finding), String(r.claim), ...presets.map((_, t) => cell.get(`${t}\u0000${id}`) ?? 'not checked')];
    }),
  };
}

/**
 * Results folders beside `outDir` (its siblings in the same parent folder) that hold a findings.csv: the
 * other presets a report can be compared with (`results/default`, `results/cifar`, …).
 */
export function siblingFindingsDirs(outDir: string): string[] {
  const self = path.resolve(outDir);
  const parent = path.dirname(self);
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  return names
    .sort()
    .map((n) => path.join(parent, n))
    .filter((d) => d !== self && fs.existsSync(path.join(d, FINDINGS_FILE)));
}
