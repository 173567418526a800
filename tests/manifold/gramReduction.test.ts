import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gramReduction, householderQrInPlace, Rng } from 'memgeo';

function gramOf(cols: Float64Array, n: number, m: number): number[][] {
  return Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) => {
      let s = 0;
      for (let f = 0; f < n; f++) s += cols[a * n + f] * cols[b * n + f];
      return s;
    }),
  );
}

test('gramReduction: RᵀR = UᵀU and R equals Householder R up to the signs of its rows', () => {
  const N = 300,
    M = 12;
  const u = new Rng(5).fillNormal(new Float64Array(N * M));
  const r = gramReduction(u, N, M);
  const g = gramOf(u, N, M);
  const rtr = gramOf(r, M, M);
  for (let a = 0; a < M; a++)
    for (let b = 0; b < M; b++) assert.ok(Math.abs(rtr[a][b] - g[a][b]) < 1e-9 * Math.abs(g[a][a]), `RᵀR[${a}][${b}]`);
  for (let c = 0; c < M; c++) for (let row = c + 1; row < M; row++) assert.equal(r[c * M + row], 0, 'upper triangular');
  const h = householderQrInPlace(u.slice(), N, M);
  for (let row = 0; row < M; row++) {
    const sign = Math.sign(h.qr[row * N + row]);
    for (let c = row; c < M; c++)
      assert.ok(Math.abs(sign * h.qr[c * N + row] - r[c * M + row]) < 1e-8 * Math.sqrt(g[c][c]), `row ${row}, column ${c}`);
  }
});

test('gramReduction: rank-deficient points (centred, duplicated) still give RᵀR = UᵀU with zero rows', () => {
  const N = 100,
    M = 8;
  const rng = new Rng(9);
  const u = new Float64Array(N * M);
  const base = rng.fillNormal(new Float64Array(N * 3));
  // 8 points in a 3-dimensional span, then centred: rank 2 or 3.
  for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) u[s * N + f] = base[(s % 3) * N + f] * (1 + s / 10);
  for (let f = 0; f < N; f++) {
    let m = 0;
    for (let s = 0; s < M; s++) m += u[s * N + f];
    for (let s = 0; s < M; s++) u[s * N + f] -= m / M;
  }
  const r = gramReduction(u, N, M);
  const g = gramOf(u, N, M);
  const rtr = gramOf(r, M, M);
  const scale = Math.max(...g.map((row, i) => row[i]));
  for (let a = 0; a < M; a++)
    for (let b = 0; b < M; b++) assert.ok(Math.abs(rtr[a][b] - g[a][b]) < 1e-7 * scale, `RᵀR[${a}][${b}] = ${rtr[a][b]} vs ${g[a][b]}`);
  let zeroRows = 0;
  for (let j = 0; j < M; j++) if (r[j * M + j] === 0) zeroRows++;
  assert.ok(zeroRows >= M - 3, `at least ${M - 3} zero rows, got ${zeroRows}`);
});
