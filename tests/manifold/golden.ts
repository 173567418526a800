// Access to the reference implementation's outputs, kept in the repository as fixtures
// (tests/fixtures/mftma/README.md says where they came from).
import * as fs from 'fs';
import * as path from 'path';
import { manifoldsFromFeatureMajor, type ManifoldPoints } from 'memgeo';

/** tests/dist/manifold → repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const fixturesDir = path.join(repoRoot, 'tests', 'fixtures', 'mftma');
export const goldenDir = path.join(fixturesDir, 'golden');

export function goldenPath(file: string): string {
  const p = path.join(goldenDir, file);
  if (!fs.existsSync(p)) throw new Error(`golden file not found: ${p}`);
  return p;
}

/** A file under tests/fixtures/mftma (e.g. 'real/mlp_e4_relu4_unpermuted.npy'), with a clear error if absent. */
export function fixturePath(rel: string): string {
  const p = path.join(fixturesDir, rel);
  if (!fs.existsSync(p)) throw new Error(`fixture not found: ${p}`);
  return p;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readGolden(file: string): any {
  return JSON.parse(fs.readFileSync(goldenPath(file), 'utf8'));
}

/** The golden case files of one kind; throws when there are none, so that a loop over them cannot pass by checking nothing. */
export function goldenCaseFiles(kind: 'corr' | 'nocorr'): string[] {
  const index = readGolden('index.json') as { files: { file: string; kind?: string }[] };
  const files = index.files.filter((f) => f.kind === kind).map((f) => f.file);
  if (files.length === 0) throw new Error(`no '${kind}' golden case in ${goldenPath('index.json')}`);
  return files;
}

export function goldenManifolds(g: { inputs: { manifolds: number[][][] } }): ManifoldPoints[] {
  return manifoldsFromFeatureMajor(g.inputs.manifolds);
}

/** (D+1) × n_t nested arrays → n_t × (D+1) row-major, the layout manifoldAnalysis takes. */
export function tVectorsRowMajor(t: number[][]): Float64Array {
  const D1 = t.length;
  const nT = t[0].length;
  const out = new Float64Array(D1 * nT);
  for (let k = 0; k < nT; k++) for (let i = 0; i < D1; i++) out[k * D1 + i] = t[i][k];
  return out;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
