import { test } from 'node:test';
import assert from 'node:assert/strict';
import { householderQr, qrQ, qrR, prepareManifold, centerGeometry, Rng } from 'memgeo';
import { goldenCaseFiles, goldenManifolds, readGolden } from './golden';

test('Householder QR: Q has orthonormal columns, QR = A, R upper triangular, LAPACK sign rule', () => {
  const rng = new Rng(3);
  for (const [rows, cols] of [
    [12, 5],
    [5, 5],
    [4, 7],
  ]) {
    const a = rng.fillNormal(new Float64Array(rows * cols));
    const f = householderQr(a, rows, cols);
    const k = Math.min(rows, cols);
    const q = qrQ(f);
    const r = qrR(f);
    for (let p = 0; p < k; p++)
      for (let s = 0; s < k; s++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += q[p * rows + i] * q[s * rows + i];
        assert.ok(Math.abs(d - (p === s ? 1 : 0)) < 1e-12);
      }
    for (let c = 0; c < cols; c++)
      for (let i = 0; i < rows; i++) {
        let v = 0;
        for (let p = 0; p < k; p++) v += q[p * rows + i] * r[c * k + p];
        assert.ok(Math.abs(v - a[c * rows + i]) < 1e-12, 'QR must reproduce A');
      }
    // dlarfg: beta = -sign(alpha) * norm, so R_00 has the opposite sign of A_00.
    assert.equal(Math.sign(r[0]), -Math.sign(a[0]));
  }
});

test('the per-manifold reduction has scipy/LAPACK QR signs (qr_diag_R_sign of the nocorr golden files)', () => {
  const files = goldenCaseFiles('nocorr');
  assert.ok(files.length >= 3, `expected the nocorr golden cases, found ${files.length}`);
  let checked = 0;
  for (const file of files) {
    const g = readGolden(file);
    const mans = goldenManifolds(g);
    const geom = centerGeometry(mans);
    const expected: number[][] = g.runs[0].outputs.qr_diag_R_sign;
    mans.forEach((m, i) => {
      const prep = prepareManifold({
        numPoints: m.numPoints,
        ambientDim: m.ambientDim,
        points: m.data,
        globalMean: geom.globalMean,
        sharedBasis: new Float64Array(0),
        K: 0,
      });
      // The last diagonal entry is ~1e-16 (the centred points have rank M − 1): its sign is noise.
      assert.ok(Array.isArray(expected[i]) && expected[i].length > 1, `${file} manifold ${i}: no qr_diag_R_sign`);
      assert.deepEqual(prep.rDiagSign.slice(0, -1), expected[i].slice(0, -1), `${file} manifold ${i}`);
      checked++;
    });
  }
  assert.ok(checked >= files.length, `compared the QR signs of ${checked} manifolds`);
});
