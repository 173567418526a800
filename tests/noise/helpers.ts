/** n examples, labels cycling 0..C-1 (balanced when C divides n). */
export function balancedLabels(n: number, C: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i % C);
}

export function countWhere(mask: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < mask.length; i++) s += mask[i];
  return s;
}

export function histogram(values: ArrayLike<number>, C: number): number[] {
  const h = new Array<number>(C).fill(0);
  for (let i = 0; i < values.length; i++) h[values[i]]++;
  return h;
}
