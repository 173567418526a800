import { AbstractMatrix } from 'ml-matrix';
import { InputError } from '../errors';
import type { NpyArray } from '../io';

/**
 * One object manifold: M points in N ambient dimensions, stored sample-major — point μ is
 * `data[μ·N .. μ·N + N)`. This is the layout of activations (batch × features) and of a .npy array
 * of shape (P, M, N); seen as a matrix it is the column-major N × M matrix X_i of the paper and of
 * the reference (`XtotT[i]`, features × samples), so each point is one contiguous column.
 */
export interface ManifoldPoints {
  /** M_i, the number of points (samples). */
  numPoints: number;
  /** N, the ambient dimension (features). */
  ambientDim: number;
  /** Length M_i·N, sample-major. */
  data: Float64Array;
}

function toNumber(v: unknown, manifold: number, point: number, feature: number): number {
  if (typeof v !== 'number')
    throw new InputError(`manifold ${manifold}: value at point ${point}, feature ${feature} is not a number (${JSON.stringify(v)})`);
  return v;
}

/**
 * From `[feature][sample]` arrays — P matrices N × M_i, the layout of the reference's `XtotT` and of
 * the golden files' `inputs.manifolds`.
 */
export function manifoldsFromFeatureMajor(manifolds: number[][][]): ManifoldPoints[] {
  if (!Array.isArray(manifolds)) throw new InputError('manifolds must be an array of N x M_i matrices ([feature][sample])');
  return manifolds.map((m, i) => {
    if (!Array.isArray(m) || m.length === 0 || !Array.isArray(m[0]))
      throw new InputError(`manifold ${i}: expected an N x M matrix ([feature][sample]) as nested arrays`);
    const N = m.length;
    const M = m[0].length;
    const data = new Float64Array(M * N);
    for (let f = 0; f < N; f++) {
      const row = m[f];
      if (!Array.isArray(row) || row.length !== M)
        throw new InputError(
          `manifold ${i}: feature row ${f} has ${Array.isArray(row) ? row.length : 'no'} samples, expected ${M} (ragged matrix)`,
        );
      for (let s = 0; s < M; s++) data[s * N + f] = toNumber(row[s], i, s, f);
    }
    return { numPoints: M, ambientDim: N, data };
  });
}

/** From `[manifold][sample][feature]` arrays (P lists of M_i points, each a length-N array). */
export function manifoldsFromPoints(manifolds: number[][][]): ManifoldPoints[] {
  if (!Array.isArray(manifolds)) throw new InputError('manifolds must be an array of point lists');
  return manifolds.map((pts, i) => {
    if (!Array.isArray(pts) || pts.length === 0 || !Array.isArray(pts[0]))
      throw new InputError(`manifold ${i}: expected a list of points (arrays of numbers)`);
    const N = pts[0].length;
    const data = new Float64Array(pts.length * N);
    pts.forEach((p, s) => {
      if (!Array.isArray(p) || p.length !== N)
        throw new InputError(`manifold ${i}: point ${s} has ${Array.isArray(p) ? p.length : 'no'} features, expected ${N}`);
      for (let f = 0; f < N; f++) data[s * N + f] = toNumber(p[f], i, s, f);
    });
    return { numPoints: pts.length, ambientDim: N, data };
  });
}

/**
 * From ml-matrix `Matrix` objects, one per manifold: by default rows are points and columns features
 * (M_i × N, the layout of activations, as `new Matrix(points)`); `layout: 'features'` takes N × M_i
 * matrices (features × samples, the paper's X_i).
 */
export function manifoldsFromMatrices(matrices: AbstractMatrix[], opts: { layout?: 'points' | 'features' } = {}): ManifoldPoints[] {
  if (!Array.isArray(matrices)) throw new InputError('manifolds must be an array of ml-matrix Matrix objects, one per manifold');
  const byFeatures = opts.layout === 'features';
  return matrices.map((m, i) => {
    if (!AbstractMatrix.isMatrix(m)) throw new InputError(`manifold ${i}: not an ml-matrix Matrix`);
    const M = byFeatures ? m.columns : m.rows;
    const N = byFeatures ? m.rows : m.columns;
    const data = new Float64Array(M * N);
    for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) data[s * N + f] = toNumber(byFeatures ? m.get(f, s) : m.get(s, f), i, s, f);
    return { numPoints: M, ambientDim: N, data };
  });
}

/** Point sets in any form memgeo takes: `ManifoldPoints`, ml-matrix Matrices (rows = points) or nested arrays ([manifold][point][feature]). */
export type PointSets = ManifoldPoints[] | AbstractMatrix[] | number[][][];

/** `PointSets` as `ManifoldPoints[]` (ManifoldPoints are passed through unchanged). */
export function asManifoldPoints(input: PointSets): ManifoldPoints[] {
  if (!Array.isArray(input) || input.length === 0) return input as ManifoldPoints[];
  if (AbstractMatrix.isMatrix(input[0])) return manifoldsFromMatrices(input as AbstractMatrix[]);
  if (Array.isArray(input[0])) return manifoldsFromPoints(input as number[][][]);
  return input as ManifoldPoints[];
}

/**
 * From a .npy array of shape (P, M, N) (float32 or float64): P manifolds of M points each. float64
 * data are not copied: each manifold is a view into `arr.data` (the analysis never writes to its
 * input), so a 200 MB file costs no second 200 MB; float32 data are converted.
 */
export function manifoldsFromNpy(arr: NpyArray, name = 'array'): ManifoldPoints[] {
  if (arr.shape.length !== 3)
    throw new InputError(`${name}: expected shape (P, M, N) = (manifolds, points, features), got (${arr.shape.join(', ')})`);
  if (arr.dtype !== 'f8' && arr.dtype !== 'f4') throw new InputError(`${name}: expected float32 or float64 data, got ${arr.dtype}`);
  const [P, M, N] = arr.shape;
  const out: ManifoldPoints[] = [];
  for (let i = 0; i < P; i++) {
    const part = arr.data.subarray(i * M * N, (i + 1) * M * N);
    out.push({ numPoints: M, ambientDim: N, data: part instanceof Float64Array ? part : Float64Array.from(part) });
  }
  return out;
}

/**
 * Check what the analysis needs and say what is wrong: at least 2 manifolds, at least 2 points each,
 * one common feature count, finite values.
 */
export function validateManifolds(manifolds: ManifoldPoints[]): void {
  if (!Array.isArray(manifolds) || manifolds.length < 2)
    throw new InputError(`manifold analysis needs at least 2 manifolds, got ${Array.isArray(manifolds) ? manifolds.length : 'none'}`);
  const N = manifolds[0].ambientDim;
  manifolds.forEach((m, i) => {
    if (AbstractMatrix.isMatrix(m))
      throw new InputError(`manifold ${i} is an ml-matrix Matrix: convert the list with manifoldsFromMatrices(...) (rows = points)`);
    if (!m || !(m.data instanceof Float64Array))
      throw new InputError(
        `manifold ${i}: data must be a Float64Array (use manifoldsFromFeatureMajor / manifoldsFromPoints / manifoldsFromMatrices / manifoldsFromNpy)`,
      );
    if (!Number.isInteger(m.numPoints) || m.numPoints < 2)
      throw new InputError(`manifold ${i}: needs at least 2 points, got ${m.numPoints}`);
    if (!Number.isInteger(m.ambientDim) || m.ambientDim < 1) throw new InputError(`manifold ${i}: bad feature count ${m.ambientDim}`);
    if (m.ambientDim !== N)
      throw new InputError(`manifold ${i} has ${m.ambientDim} features but manifold 0 has ${N} (ragged feature counts)`);
    if (m.data.length !== m.numPoints * m.ambientDim)
      throw new InputError(`manifold ${i}: data length ${m.data.length} != ${m.numPoints} points x ${m.ambientDim} features`);
    if (!allFinite(m.data)) {
      for (let j = 0; j < m.data.length; j++) {
        if (!Number.isFinite(m.data[j]))
          throw new InputError(`manifold ${i}: non-finite value ${m.data[j]} at point ${Math.floor(j / N)}, feature ${j % N}`);
      }
    }
  });
}

/** Whether every entry is finite: x·0 is 0 for a finite x and NaN for ±Inf and NaN, and NaN sticks in a sum. */
function allFinite(x: Float64Array): boolean {
  // Four running sums, so that no add waits on the one before.
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = x.length - (x.length % 4);
  for (let j = 0; j < n; j += 4) {
    a += x[j] * 0;
    b += x[j + 1] * 0;
    c += x[j + 2] * 0;
    d += x[j + 3] * 0;
  }
  for (let j = n; j < x.length; j++) a += x[j] * 0;
  return a + b + c + d === 0;
}
