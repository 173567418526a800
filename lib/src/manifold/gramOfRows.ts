/**
 * G = X Xᵀ for `count` vectors of `length` stored one after another in x (X row-major count × length):
 * the Gram matrix of points, centres or NNLS columns, count × count row-major, filled by symmetry.
 */
export function gramOfRows(x: Float64Array, count: number, length: number): Float64Array {
  const g = new Float64Array(count * count);
  for (let a = 0; a < count; a++) {
    const oa = a * length;
    for (let b = 0; b <= a; b++) {
      const ob = b * length;
      let s = 0;
      for (let i = 0; i < length; i++) s += x[oa + i] * x[ob + i];
      g[a * count + b] = s;
      g[b * count + a] = s;
    }
  }
  return g;
}
