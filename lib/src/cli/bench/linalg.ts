/**
 * `bench linalg`: memgeo's hand-written dense linear algebra against ml-matrix on the shapes the
 * manifold analysis uses: symmetric eigenvalues of a Gram matrix (centre SVD fractions, all-data
 * dimension; n = points) and the Householder QR of a tall matrix (N features × K centres). Prints
 * the median time of each and the largest difference of the results; nothing is asserted.
 *
 *   npx memgeo bench linalg [--sizes 100,300,600] [--repeats 3] [--json]
 */
import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { symmetricEigenvalues } from '../../manifold/symmetricEigenvalues';
import { householderQr, qrR } from '../../manifold/householderQr';
import { gramOfRows } from '../../manifold/gramOfRows';
import { Rng } from '../../random';
import { parseFlags, parseNumber, parseNumberList } from '../options';
import type { BenchTarget } from './target';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown, repeats: number): number {
  fn(); // warm-up (JIT)
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    t.push((performance.now() - t0) / 1000);
  }
  return median(t);
}

const usage = `usage: memgeo bench linalg [--sizes 100,300,600] [--repeats 3] [--json]

Times memgeo's symmetricEigenvalues (Householder tridiagonalisation + implicit QL) against ml-matrix's
EigenvalueDecomposition on Gram matrices of n random points, and memgeo's householderQr against
ml-matrix's QrDecomposition on (50·n/10) × 10 matrices; prints medians and the largest result difference.`;

export const target: BenchTarget = {
  name: 'linalg',
  summary: "memgeo's eigenvalue and QR routines vs ml-matrix on the analysis' shapes",
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      sizes: { type: 'string' },
      repeats: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const sizes = values.sizes ? parseNumberList(values.sizes, '--sizes') : [100, 300, 600];
    const repeats = parseNumber(values.repeats, '--repeats', { integer: true, min: 1 }) ?? 3;
    const rng = new Rng(0);
    const rows: Record<string, number | string>[] = [];
    for (const n of sizes) {
      // Gram matrix of n points in 2n dimensions (full rank), as in the all-data dimension
      const x = rng.fillNormal(new Float64Array(n * 2 * n));
      const g = gramOfRows(x, n, 2 * n);
      const gm = new Matrix(n, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gm.set(i, j, g[i * n + j]);
      let ours: ArrayLike<number> = [];
      let theirs: number[] = [];
      const tOurs = time(() => (ours = symmetricEigenvalues(g, n)), repeats);
      const tTheirs = time(() => (theirs = new EigenvalueDecomposition(gm, { assumeSymmetric: true }).realEigenvalues), repeats);
      const sorted = [...theirs].sort((a, b) => b - a);
      const diff = Math.max(...sorted.map((v, i) => Math.abs(v - ours[i]) / Math.abs(ours[0])));
      rows.push({
        op: 'symmetric eigenvalues',
        shape: `${n}x${n}`,
        memgeo_s: tOurs,
        ml_matrix_s: tTheirs,
        ratio: tTheirs / tOurs,
        max_rel_diff: diff,
      });
      // tall QR: N = 50·n/10 features, K = 10 columns
      const R = Math.round((50 * n) / 10),
        C = 10;
      const a = rng.fillNormal(new Float64Array(R * C));
      const am = new Matrix(R, C);
      // memgeo's QR is column-major (each column one contiguous run)
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) am.set(i, j, a[j * R + i]);
      let r1: ArrayLike<number> = [];
      let r2: Matrix = am;
      const tq1 = time(() => (r1 = qrR(householderQr(a, R, C))), repeats);
      const tq2 = time(() => (r2 = new QrDecomposition(am).upperTriangularMatrix), repeats);
      // R is unique up to the signs of its rows
      let qd = 0;
      for (let i = 0; i < C; i++) {
        const s = Math.sign(r1[i * C + i]) * Math.sign(r2.get(i, i));
        for (let j = i; j < C; j++) qd = Math.max(qd, Math.abs(r1[j * C + i] - s * r2.get(i, j)));
      }
      rows.push({ op: 'householder QR', shape: `${R}x${C}`, memgeo_s: tq1, ml_matrix_s: tq2, ratio: tq2 / tq1, max_rel_diff: qd });
    }
    if (values.json) for (const r of rows) console.log(JSON.stringify(r));
    else {
      console.log('op                     shape      memgeo s  ml-matrix s  ml-matrix/memgeo  max diff');
      for (const r of rows)
        console.log(
          `${String(r.op).padEnd(22)} ${String(r.shape).padEnd(10)} ${Number(r.memgeo_s).toFixed(4).padStart(8)}  ${Number(r.ml_matrix_s).toFixed(4).padStart(11)}  ${Number(r.ratio).toFixed(2).padStart(16)}  ${Number(r.max_rel_diff).toExponential(1)}`,
        );
    }
    return 0;
  },
};
