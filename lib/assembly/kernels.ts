// WebAssembly SIMD kernels for the manifold analysis (AssemblyScript, compiled by `npm run build` to
// lib/dist/simd/kernels.wasm; loaded by lib/src/simd/kernels.ts). Each is the hot inner loop of a
// TypeScript function that documents the mathematics; these only run it two float64 lanes at a time,
// which V8 does not do for plain JS loops (lib/src/simd/README.md has the measurements).
//
// Arguments are byte offsets into the module's own memory (f64 arrays unless named otherwise) and sizes.

// @ts-nocheck -- AssemblyScript types (v128, usize, f64x2, load/store) are not TypeScript's.

@inline
function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 3);
}

@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ_i a[i]·b[i] for i < n. */
@inline
function dot(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(at(a, i)), v128.load(at(b, i))));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(at(a, i + 2)), v128.load(at(b, i + 2))));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; i < n; i++) s += load<f64>(at(a, i)) * load<f64>(at(b, i));
  return s;
}

/** y[i] += alpha·x[i] for i < n. */
@inline
function axpy(alpha: f64, x: usize, y: usize, n: i32): void {
  const va = f64x2.splat(alpha);
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(at(y, i), f64x2.add(v128.load(at(y, i)), f64x2.mul(va, v128.load(at(x, i)))));
  for (; i < n; i++) store<f64>(at(y, i), load<f64>(at(y, i)) + alpha * load<f64>(at(x, i)));
}

/** g (M × M row-major) = UᵀU for column-major N × M u (gramReduction.ts `columnGram`): column pairs
 * against four columns at a time, then against a last pair. Each entry is one two-lane sum over f in
 * order, whatever the block: eight chains (2 × 4) rather than four keep both FP adders busy, where
 * 2 × 2 blocks waited on the add latency (the README case's 100 Grams of 50 × 5000, one thread, old
 * and new builds alternated: 101–110 → 76–83 ms). */
export function columnGram(u: usize, N: i32, M: i32, g: usize): void {
  let a = 0;
  for (; a + 1 < M; a += 2) {
    const oa = at(u, a * N);
    const oa1 = at(oa, N);
    let b = 0;
    for (; b + 3 <= a + 1; b += 4) gramBlock2x4(oa, oa1, at(u, b * N), N, g, M, a, b);
    for (; b <= a; b += 2) gramBlock2x2(oa, oa1, at(u, b * N), N, g, M, a, b);
  }
  if (a < M) {
    const oa = at(u, a * N);
    for (let b = 0; b <= a; b++) {
      const s = dot(oa, at(u, b * N), N);
      store<f64>(at(g, a * M + b), s);
      store<f64>(at(g, b * M + a), s);
    }
  }
}

@inline
function storeSym(g: usize, M: i32, a: i32, b: i32, s: f64): void {
  store<f64>(at(g, a * M + b), s);
  store<f64>(at(g, b * M + a), s);
}

@inline
function gramBlock2x2(oa: usize, oa1: usize, ob: usize, N: i32, g: usize, M: i32, a: i32, b: i32): void {
  const ob1 = at(ob, N);
  let s00 = f64x2.splat(0);
  let s01 = f64x2.splat(0);
  let s10 = f64x2.splat(0);
  let s11 = f64x2.splat(0);
  let f = 0;
  for (; f + 1 < N; f += 2) {
    const xa = v128.load(at(oa, f));
    const xa1 = v128.load(at(oa1, f));
    const xb = v128.load(at(ob, f));
    const xb1 = v128.load(at(ob1, f));
    s00 = f64x2.add(s00, f64x2.mul(xa, xb));
    s01 = f64x2.add(s01, f64x2.mul(xa, xb1));
    s10 = f64x2.add(s10, f64x2.mul(xa1, xb));
    s11 = f64x2.add(s11, f64x2.mul(xa1, xb1));
  }
  let r00 = hsum(s00);
  let r01 = hsum(s01);
  let r10 = hsum(s10);
  let r11 = hsum(s11);
  for (; f < N; f++) {
    const xa = load<f64>(at(oa, f));
    const xa1 = load<f64>(at(oa1, f));
    const xb = load<f64>(at(ob, f));
    const xb1 = load<f64>(at(ob1, f));
    r00 += xa * xb;
    r01 += xa * xb1;
    r10 += xa1 * xb;
    r11 += xa1 * xb1;
  }
  storeSym(g, M, a, b, r00);
  storeSym(g, M, a, b + 1, r01);
  storeSym(g, M, a + 1, b, r10);
  storeSym(g, M, a + 1, b + 1, r11);
}

@inline
function gramBlock2x4(oa: usize, oa1: usize, ob: usize, N: i32, g: usize, M: i32, a: i32, b: i32): void {
  const ob1 = at(ob, N);
  const ob2 = at(ob1, N);
  const ob3 = at(ob2, N);
  let s00 = f64x2.splat(0);
  let s01 = f64x2.splat(0);
  let s02 = f64x2.splat(0);
  let s03 = f64x2.splat(0);
  let s10 = f64x2.splat(0);
  let s11 = f64x2.splat(0);
  let s12 = f64x2.splat(0);
  let s13 = f64x2.splat(0);
  let f = 0;
  for (; f + 1 < N; f += 2) {
    const xa = v128.load(at(oa, f));
    const xa1 = v128.load(at(oa1, f));
    let xb = v128.load(at(ob, f));
    s00 = f64x2.add(s00, f64x2.mul(xa, xb));
    s10 = f64x2.add(s10, f64x2.mul(xa1, xb));
    xb = v128.load(at(ob1, f));
    s01 = f64x2.add(s01, f64x2.mul(xa, xb));
    s11 = f64x2.add(s11, f64x2.mul(xa1, xb));
    xb = v128.load(at(ob2, f));
    s02 = f64x2.add(s02, f64x2.mul(xa, xb));
    s12 = f64x2.add(s12, f64x2.mul(xa1, xb));
    xb = v128.load(at(ob3, f));
    s03 = f64x2.add(s03, f64x2.mul(xa, xb));
    s13 = f64x2.add(s13, f64x2.mul(xa1, xb));
  }
  let r00 = hsum(s00);
  let r01 = hsum(s01);
  let r02 = hsum(s02);
  let r03 = hsum(s03);
  let r10 = hsum(s10);
  let r11 = hsum(s11);
  let r12 = hsum(s12);
  let r13 = hsum(s13);
  for (; f < N; f++) {
    const xa = load<f64>(at(oa, f));
    const xa1 = load<f64>(at(oa1, f));
    const xb = load<f64>(at(ob, f));
    const xb1 = load<f64>(at(ob1, f));
    const xb2 = load<f64>(at(ob2, f));
    const xb3 = load<f64>(at(ob3, f));
    r00 += xa * xb;
    r01 += xa * xb1;
    r02 += xa * xb2;
    r03 += xa * xb3;
    r10 += xa1 * xb;
    r11 += xa1 * xb1;
    r12 += xa1 * xb2;
    r13 += xa1 * xb3;
  }
  storeSym(g, M, a, b, r00);
  storeSym(g, M, a, b + 1, r01);
  storeSym(g, M, a, b + 2, r02);
  storeSym(g, M, a, b + 3, r03);
  storeSym(g, M, a + 1, b, r10);
  storeSym(g, M, a + 1, b + 1, r11);
  storeSym(g, M, a + 1, b + 2, r12);
  storeSym(g, M, a + 1, b + 3, r13);
}

/** Centre M sample-major points of N features in place; their mean goes to c (analyzeManifold.ts `prepareByGram`). */
export function centerPoints(x: usize, M: i32, N: i32, c: usize): void {
  memory.fill(c, 0, (<usize>N) << 3);
  for (let s = 0; s < M; s++) axpy(1, at(x, s * N), c, N);
  const inv = 1 / <f64>M;
  let f = 0;
  const vi = f64x2.splat(inv);
  for (; f + 1 < N; f += 2) v128.store(at(c, f), f64x2.mul(v128.load(at(c, f)), vi));
  for (; f < N; f++) store<f64>(at(c, f), load<f64>(at(c, f)) * inv);
  for (let s = 0; s < M; s++) axpy(-1, c, at(x, s * N), N);
}

/** out[k·M + s] = basis_k · x_s for K rows of the basis and M points, both of length N. */
export function rowDots(basis: usize, K: i32, x: usize, M: i32, N: i32, out: usize): void {
  for (let s = 0; s < M; s++) for (let k = 0; k < K; k++) store<f64>(at(out, k * M + s), dot(at(basis, k * N), at(x, s * N), N));
}

// The centre-correlation cost (centerCorrelationCost.ts): G = XXᵀ (P × P), the image cT = (XV)ᵀ (K × P),
// ir = 1/r, X row-major P × d with rowEnd[m] (i32) the end of row m's non-zeros. An instance of this
// module serves one cost: corrBind, called once, sets where its arrays are, and every corr* kernel and
// the conjugate gradient below work on them.
let cP: i32 = 0;
let cD: i32 = 0;
let cK: i32 = 0;
let cCoords: usize = 0;
let cRowEnd: usize = 0;
let cG: usize = 0;
let cCT: usize = 0;
let cIr: usize = 0;
let cALow: usize = 0;
let cRow: usize = 0;
let cTAcc: usize = 0;
let cBcT: usize = 0;
let cGT: usize = 0;
let cVT: usize = 0;
let cCx: usize = 0;
let cCd: usize = 0;

export function corrBind(
  P: i32,
  d: i32,
  K: i32,
  coords: usize,
  rowEnd: usize,
  G: usize,
  cT: usize,
  ir: usize,
  aLow: usize,
  row: usize,
  tAcc: usize,
  bcT: usize,
  gT: usize,
  vT: usize,
  cx: usize,
  cd: usize,
): void {
  cP = P;
  cD = d;
  cK = K;
  cCoords = coords;
  cRowEnd = rowEnd;
  cG = G;
  cCT = cT;
  cIr = ir;
  cALow = aLow;
  cRow = row;
  cTAcc = tAcc;
  cBcT = bcT;
  cGT = gT;
  cVT = vT;
  cCx = cx;
  cCd = cd;
}


/**
 * out (K × P) = (X v)ᵀ with vᵀ (K × d) already in vT. Two k per pass over a row of X share its loads;
 * each entry is still `dot`'s sum (two two-lane partial sums, then the tail), so the same bits.
 */
export function corrImage(out: usize): void {
  const P = cP;
  const d = cD;
  const K = cK;
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const v0 = at(cVT, k * d);
    const v1 = at(cVT, (k + 1) * d);
    for (let m = 0; m < P; m++) {
      const xm = at(cCoords, m * d);
      const n = load<i32>(cRowEnd + ((<usize>m) << 2));
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const x0 = v128.load(at(xm, i));
        const x1 = v128.load(at(xm, i + 2));
        a0 = f64x2.add(a0, f64x2.mul(x0, v128.load(at(v0, i))));
        a1 = f64x2.add(a1, f64x2.mul(x1, v128.load(at(v0, i + 2))));
        b0 = f64x2.add(b0, f64x2.mul(x0, v128.load(at(v1, i))));
        b1 = f64x2.add(b1, f64x2.mul(x1, v128.load(at(v1, i + 2))));
      }
      let sa = hsum(f64x2.add(a0, a1));
      let sb = hsum(f64x2.add(b0, b1));
      for (; i < n; i++) {
        const x = f(xm, i);
        sa += x * f(v0, i);
        sb += x * f(v1, i);
      }
      setf(out, k * P + m, sa);
      setf(out, (k + 1) * P + m, sb);
    }
  }
  for (; k < K; k++) {
    const vk = at(cVT, k * d);
    for (let m = 0; m < P; m++) store<f64>(at(out, k * P + m), dot(at(cCoords, m * d), vk, load<i32>(cRowEnd + ((<usize>m) << 2))));
  }
}

/** ir_m = 1 / r_m = 1 / (G_mm − ‖c_m‖²) for the image in cT. */
export function corrInverseResiduals(): void {
  const P = cP;
  for (let m = 0; m < P; m++) {
    let s = 0.0;
    for (let k = 0; k < cK; k++) {
      const c = f(cCT, k * P + m);
      s += c * c;
    }
    setf(cIr, m, 1 / (f(cG, m * P + m) - s));
  }
}

/** A_mn = G_mn − c_m·c_n for the pair of columns n, n + 1 of row m (the subtractions in k order). */
@inline
function pairOfA(P: i32, K: i32, gRow: usize, cT: usize, m: i32, n: i32): v128 {
  let a = v128.load(at(gRow, n));
  for (let k = 0; k < K; k++) {
    const ck = at(cT, k * P);
    a = f64x2.sub(a, f64x2.mul(v128.load64_splat(at(ck, m)), v128.load(at(ck, n))));
  }
  return a;
}

@inline
function scalarOfA(P: i32, K: i32, gRow: usize, cT: usize, m: i32, n: i32): f64 {
  let a = f(gRow, n);
  for (let k = 0; k < K; k++) {
    const ck = at(cT, k * P);
    a -= f(ck, m) * f(ck, n);
  }
  return a;
}

/**
 * Σ_{n<m} A_mn² ir_m ir_n over all m; with keep ≠ 0 row m is left at aLow + m·P, else row is scratch.
 * Rows go two at a time (m, m + 1): they share the loads of c_n and ir_n, and their two sums are
 * independent chains of adds. Each row's sum keeps the order of the one-row loop (pairs of n, then
 * the odd tail), and the rows are added to the total in m order, so the result is the same bits.
 */
export function corrOffDiagonal(keep: i32): f64 {
  const P = cP;
  const K = cK;
  const G = cG;
  const cT = cCT;
  const ir = cIr;
  let off = 0.0;
  let m = 1;
  for (; m + 1 < P; m += 2) {
    const rowA = keep ? at(cALow, m * P) : cRow;
    const rowB = keep ? at(cALow, (m + 1) * P) : cRow;
    const gA = at(G, m * P);
    const gB = at(G, (m + 1) * P);
    let accA = f64x2.splat(0);
    let accB = f64x2.splat(0);
    let n = 0;
    for (; n + 1 < m; n += 2) {
      let a = v128.load(at(gA, n));
      let b = v128.load(at(gB, n));
      for (let k = 0; k < K; k++) {
        const ck = at(cT, k * P);
        const cn = v128.load(at(ck, n));
        a = f64x2.sub(a, f64x2.mul(v128.load64_splat(at(ck, m)), cn));
        b = f64x2.sub(b, f64x2.mul(v128.load64_splat(at(ck, m + 1)), cn));
      }
      v128.store(at(rowA, n), a);
      v128.store(at(rowB, n), b);
      const irn = v128.load(at(ir, n));
      accA = f64x2.add(accA, f64x2.mul(f64x2.mul(a, a), irn));
      accB = f64x2.add(accB, f64x2.mul(f64x2.mul(b, b), irn));
    }
    let sA = hsum(accA);
    for (let nA = n; nA < m; nA++) {
      const a = scalarOfA(P, K, gA, cT, m, nA);
      setf(rowA, nA, a);
      sA += a * a * f(ir, nA);
    }
    for (; n < m; n += 2) {
      const b = pairOfA(P, K, gB, cT, m + 1, n);
      v128.store(at(rowB, n), b);
      accB = f64x2.add(accB, f64x2.mul(f64x2.mul(b, b), v128.load(at(ir, n))));
    }
    let sB = hsum(accB);
    for (; n < m + 1; n++) {
      const b = scalarOfA(P, K, gB, cT, m + 1, n);
      setf(rowB, n, b);
      sB += b * b * f(ir, n);
    }
    off += sA * f(ir, m);
    off += sB * f(ir, m + 1);
  }
  for (; m < P; m++) {
    const row = keep ? at(cALow, m * P) : cRow;
    const gRow = at(G, m * P);
    let acc = f64x2.splat(0);
    let n = 0;
    for (; n + 1 < m; n += 2) {
      const a = pairOfA(P, K, gRow, cT, m, n);
      v128.store(at(row, n), a);
      acc = f64x2.add(acc, f64x2.mul(f64x2.mul(a, a), v128.load(at(ir, n))));
    }
    let s = hsum(acc);
    for (; n < m; n++) {
      const a = scalarOfA(P, K, gRow, cT, m, n);
      setf(row, n, a);
      s += a * a * f(ir, n);
    }
    off += s * f(ir, m);
  }
  return off;
}

/**
 * The cost and −2Xᵀ(W − diag b)XV into gT (K × d) in one pass over the pairs n < m; returns 2F.
 * haveLow ≠ 0: the rows of A are in aLow (from corrOffDiagonal with keep) and are read, not rebuilt.
 */
export function corrCostAndGrad(haveLow: i32): f64 {
  const P = cP;
  const d = cD;
  const K = cK;
  const coords = cCoords;
  const rowEnd = cRowEnd;
  const G = cG;
  const cT = cCT;
  const ir = cIr;
  const aLow = cALow;
  const row = cRow;
  const tAcc = cTAcc;
  const bcT = cBcT;
  const gT = cGT;
  memory.fill(tAcc, 0, (<usize>P) << 3);
  memory.fill(bcT, 0, (<usize>(K * P)) << 3);
  for (let m = 1; m < P; m++) {
    const gRow = at(G, m * P);
    const lowRow = at(aLow, m * P);
    const irm = f(ir, m);
    const virm = f64x2.splat(irm);
    let vtm = f64x2.splat(0);
    let n = 0;
    // Row m of W (A_mn ir_n, into row), t_m, and the t_n contributions, in one pass.
    for (; n + 1 < m; n += 2) {
      const a = haveLow ? v128.load(at(lowRow, n)) : pairOfA(P, K, gRow, cT, m, n);
      const wn = f64x2.mul(a, v128.load(at(ir, n)));
      vtm = f64x2.add(vtm, f64x2.mul(a, wn));
      v128.store(at(tAcc, n), f64x2.add(v128.load(at(tAcc, n)), f64x2.mul(f64x2.mul(a, a), virm)));
      v128.store(at(row, n), wn);
    }
    let tm = hsum(vtm);
    for (; n < m; n++) {
      const a = haveLow ? f(lowRow, n) : scalarOfA(P, K, gRow, cT, m, n);
      const wn = a * f(ir, n);
      tm += a * wn;
      setf(tAcc, n, f(tAcc, n) + a * a * irm);
      setf(row, n, wn);
    }
    setf(tAcc, m, f(tAcc, m) + tm);
    // (Wc)_m += ir_m Σ_{n<m} W_mn c_n and (Wc)_n += W_mn ir_m c_m. Two k per pass: each k's sum keeps
    // its order (so the bits do not change), and the two independent sums halve the wait on the adds.
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const ck0 = at(cT, k * P);
      const ck1 = at(cT, (k + 1) * P);
      const bk0 = at(bcT, k * P);
      const bk1 = at(bcT, (k + 1) * P);
      const cmk0 = f(ck0, m) * irm;
      const cmk1 = f(ck1, m) * irm;
      const vc0 = f64x2.splat(cmk0);
      const vc1 = f64x2.splat(cmk1);
      let vs0 = f64x2.splat(0);
      let vs1 = f64x2.splat(0);
      let i = 0;
      for (; i + 1 < m; i += 2) {
        const w = v128.load(at(row, i));
        vs0 = f64x2.add(vs0, f64x2.mul(w, v128.load(at(ck0, i))));
        v128.store(at(bk0, i), f64x2.add(v128.load(at(bk0, i)), f64x2.mul(w, vc0)));
        vs1 = f64x2.add(vs1, f64x2.mul(w, v128.load(at(ck1, i))));
        v128.store(at(bk1, i), f64x2.add(v128.load(at(bk1, i)), f64x2.mul(w, vc1)));
      }
      let s0 = hsum(vs0);
      let s1 = hsum(vs1);
      for (; i < m; i++) {
        const w = f(row, i);
        s0 += w * f(ck0, i);
        setf(bk0, i, f(bk0, i) + w * cmk0);
        s1 += w * f(ck1, i);
        setf(bk1, i, f(bk1, i) + w * cmk1);
      }
      setf(bk0, m, f(bk0, m) + s0 * irm);
      setf(bk1, m, f(bk1, m) + s1 * irm);
    }
    for (; k < K; k++) {
      const ck = at(cT, k * P);
      const bk = at(bcT, k * P);
      const cmk = f(ck, m) * irm;
      const vc = f64x2.splat(cmk);
      let vs = f64x2.splat(0);
      let i = 0;
      for (; i + 1 < m; i += 2) {
        const w = v128.load(at(row, i));
        vs = f64x2.add(vs, f64x2.mul(w, v128.load(at(ck, i))));
        v128.store(at(bk, i), f64x2.add(v128.load(at(bk, i)), f64x2.mul(w, vc)));
      }
      let s = hsum(vs);
      for (; i < m; i++) {
        const w = f(row, i);
        s += w * f(ck, i);
        setf(bk, i, f(bk, i) + w * cmk);
      }
      setf(bk, m, f(bk, m) + s * irm);
    }
  }
  let f = 0.0;
  for (let m = 0; m < P; m++) {
    const irm = load<f64>(at(ir, m));
    const tm = load<f64>(at(tAcc, m)) + 1 / irm;
    f += tm * irm;
    const bm = tm * irm * irm;
    for (let k = 0; k < K; k++) {
      const c = load<f64>(at(cT, k * P + m));
      const p = at(bcT, k * P + m);
      store<f64>(p, load<f64>(p) + c * irm - bm * c);
    }
  }
  memory.fill(gT, 0, (<usize>(K * d)) << 3);
  // gT_k += −2 (bcT)_km x_m in m order per k; two k per pass share the loads of x_m (axpy's arithmetic).
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const g0 = at(gT, k * d);
    const g1 = at(gT, (k + 1) * d);
    for (let m = 0; m < P; m++) {
      const xm = at(coords, m * d);
      const n = load<i32>(rowEnd + ((<usize>m) << 2));
      const al0 = -2 * load<f64>(at(bcT, k * P + m));
      const al1 = -2 * load<f64>(at(bcT, (k + 1) * P + m));
      const va0 = f64x2.splat(al0);
      const va1 = f64x2.splat(al1);
      let i = 0;
      for (; i + 1 < n; i += 2) {
        const x = v128.load(at(xm, i));
        v128.store(at(g0, i), f64x2.add(v128.load(at(g0, i)), f64x2.mul(va0, x)));
        v128.store(at(g1, i), f64x2.add(v128.load(at(g1, i)), f64x2.mul(va1, x)));
      }
      for (; i < n; i++) {
        const x = load<f64>(at(xm, i));
        setf(g0, i, load<f64>(at(g0, i)) + al0 * x);
        setf(g1, i, load<f64>(at(g1, i)) + al1 * x);
      }
    }
  }
  for (; k < K; k++) {
    const gk = at(gT, k * d);
    for (let m = 0; m < P; m++) axpy(-2 * load<f64>(at(bcT, k * P + m)), at(coords, m * d), gk, load<i32>(rowEnd + ((<usize>m) << 2)));
  }
  return f;
}

// Anchor points (anchorGeometry.ts) with the block-entry Lawson–Hanson NNLS of nnls.ts, the same
// steps in the same order; see those files for the why of each step. Workspace pointers of the
// current call:
let wsL: usize = 0; // lower Cholesky factor of the passive Gram, row-major M × M
let wsPidx: usize = 0; // i32 passive variables in factor order
let wsInP: usize = 0; // u8
let wsExcl: usize = 0; // u8
let wsZ: usize = 0;
let wsY: usize = 0;
let wsRhs: usize = 0;
let wsW: usize = 0;
let wsR: usize = 0;
let wsB: usize = 0;
let wsGram: usize = 0;
let nnlsStatus: i32 = 0;

const BLOCK_RATIO: f64 = 0.2;

@inline
function f(p: usize, i: i32): f64 {
  return load<f64>(at(p, i));
}
@inline
function setf(p: usize, i: i32, v: f64): void {
  store<f64>(at(p, i), v);
}
@inline
function pid(p: i32): i32 {
  return load<i32>(wsPidx + ((<usize>p) << 2));
}
@inline
function setPid(p: i32, j: i32): void {
  store<i32>(wsPidx + ((<usize>p) << 2), j);
}
@inline
function u8at(base: usize, j: i32): u8 {
  return load<u8>(base + <usize>j);
}
@inline
function setU8(base: usize, j: i32, v: u8): void {
  store<u8>(base + <usize>j, v);
}

function appendColumn(cols: i32, k: i32, j: i32): bool {
  const ld = cols;
  let s2 = 0.0;
  const rowK = at(wsL, k * ld);
  for (let p = 0; p < k; p++) {
    const rowP = at(wsL, p * ld);
    const v = (f(wsGram, pid(p) * cols + j) - dot(rowP, rowK, p)) / f(rowP, p);
    setf(rowK, p, v);
    s2 += v * v;
  }
  const djj = f(wsGram, j * cols + j);
  const dd = djj - s2;
  if (!(dd > 1e-13 * djj)) return false;
  setf(rowK, k, Math.sqrt(dd));
  return true;
}

function choleskyRebuild(cols: i32, k: i32, from: i32): void {
  const ld = cols;
  for (let p = from > 0 ? from : 0; p < k; p++) {
    const rowP = at(wsL, p * ld);
    for (let q = 0; q <= p; q++) {
      const rowQ = at(wsL, q * ld);
      const v = f(wsGram, pid(p) * cols + pid(q)) - dot(rowP, rowQ, q);
      if (p == q) setf(rowP, p, Math.sqrt(v > 1e-300 ? v : 1e-300));
      else setf(rowP, q, v / f(rowQ, q));
    }
  }
}

function cholSolve(cols: i32, k: i32, b: usize, out: usize): void {
  const ld = cols;
  for (let p = 0; p < k; p++) {
    const rowP = at(wsL, p * ld);
    setf(out, p, (f(b, p) - dot(rowP, out, p)) / f(rowP, p));
  }
  for (let p = k - 1; p >= 0; p--) {
    let v = f(out, p);
    for (let q = p + 1; q < k; q++) v -= f(wsL, q * ld + p) * f(out, q);
    setf(out, p, v / f(wsL, p * ld + p));
  }
}

function refine(a: usize, rows: i32, cols: i32, k: i32, t: usize, x: usize): void {
  memory.copy(wsR, t, (<usize>rows) << 3);
  for (let p = 0; p < k; p++) axpy(-f(x, pid(p)), at(a, pid(p) * rows), wsR, rows);
  for (let p = 0; p < k; p++) setf(wsRhs, p, dot(at(a, pid(p) * rows), wsR, rows));
  cholSolve(cols, k, wsRhs, wsY);
  for (let p = 0; p < k; p++) if (!(f(x, pid(p)) + f(wsY, p) > 0)) return;
  for (let p = 0; p < k; p++) setf(x, pid(p), f(x, pid(p)) + f(wsY, p));
}

function dual(a: usize, rows: i32, cols: i32, t: usize, x: usize): void {
  memory.copy(wsR, t, (<usize>rows) << 3);
  for (let j = 0; j < cols; j++) {
    const xj = f(x, j);
    if (xj == 0) continue;
    axpy(-xj, at(a, j * rows), wsR, rows);
  }
  for (let j = 0; j < cols; j++) setf(wsW, j, dot(at(a, j * rows), wsR, rows));
}

/** nnls.ts NnlsSolver.solve with blockRatio 0.2 and atb given; returns the outer iterations (status in nnlsStatus). */
function nnlsSolve(a: usize, rows: i32, cols: i32, t: usize, x: usize, atb: usize): i32 {
  const ld = cols;
  const tNorm2 = dot(t, t, rows);
  let colMax2 = 0.0;
  for (let j = 0; j < cols; j++) {
    setf(x, j, 0);
    setU8(wsInP, j, 0);
    setU8(wsExcl, j, 0);
    const gjj = f(wsGram, j * cols + j);
    if (gjj > colMax2) colMax2 = gjj;
    const s = f(atb, j);
    setf(wsB, j, s);
    setf(wsW, j, s);
  }
  let k = 0;
  const tol = 1e-13 * Math.sqrt(colMax2 * tNorm2) + 1e-300;
  const maxIter = 3 * cols;
  let iterations = 0;
  nnlsStatus = 0;
  for (;;) {
    let jmax = -1;
    let wmax = tol;
    for (let j = 0; j < cols; j++) {
      const wj = f(wsW, j);
      if (wj > wmax && !u8at(wsInP, j) && !u8at(wsExcl, j)) {
        wmax = wj;
        jmax = j;
      }
    }
    if (jmax < 0) {
      if (k > 0) refine(a, rows, cols, k, t, x);
      dual(a, rows, cols, t, x);
      let again = false;
      for (let j = 0; j < cols; j++) if (!u8at(wsInP, j) && !u8at(wsExcl, j) && f(wsW, j) > tol) again = true;
      if (!again || iterations >= maxIter) break;
      continue;
    }
    if (iterations >= maxIter) {
      nnlsStatus = 1;
      break;
    }
    iterations++;
    const bw = BLOCK_RATIO * wmax;
    const threshold = tol > bw ? tol : bw;
    if (!appendColumn(cols, k, jmax)) {
      setU8(wsExcl, jmax, 1);
      continue;
    }
    setPid(k++, jmax);
    setU8(wsInP, jmax, 1);
    let nNew = 1;
    for (let j = 0; j < cols && nNew < cols; j++) {
      if (j == jmax || u8at(wsInP, j) || u8at(wsExcl, j) || !(f(wsW, j) > threshold)) continue;
      if (appendColumn(cols, k, j)) {
        setPid(k++, j);
        setU8(wsInP, j, 1);
        nNew++;
      }
    }
    let firstInner = true;
    for (;;) {
      for (let p = 0; p < k; p++) {
        const rowP = at(wsL, p * ld);
        setf(wsRhs, p, (f(wsB, pid(p)) - dot(rowP, wsRhs, p)) / f(rowP, p));
      }
      for (let p = k - 1; p >= 0; p--) {
        let v = f(wsRhs, p);
        for (let q = p + 1; q < k; q++) v -= f(wsL, q * ld + p) * f(wsZ, q);
        setf(wsZ, p, v / f(wsL, p * ld + p));
      }
      if (firstInner && nNew == 1 && f(wsZ, k - 1) <= 0) {
        k--;
        setU8(wsInP, pid(k), 0);
        setU8(wsExcl, pid(k), 1);
        break;
      }
      let allPositive = true;
      let newNonPositive = false;
      for (let p = 0; p < k; p++) {
        if (f(wsZ, p) <= 0) {
          allPositive = false;
          if (f(x, pid(p)) == 0) newNonPositive = true;
        }
      }
      if (allPositive) {
        for (let p = 0; p < k; p++) setf(x, pid(p), f(wsZ, p));
        memory.fill(wsExcl, 0, <usize>cols);
        break;
      }
      if (newNonPositive) {
        let kk = 0;
        let from = -1;
        for (let p = 0; p < k; p++) {
          const j = pid(p);
          if (f(x, j) == 0 && f(wsZ, p) <= 0) {
            setU8(wsInP, j, 0);
            nNew--;
            if (from < 0) from = p;
          } else setPid(kk++, j);
        }
        k = kk;
        if (nNew == 0) {
          if (!appendColumn(cols, k, jmax)) {
            setU8(wsExcl, jmax, 1);
            break;
          }
          setPid(k++, jmax);
          setU8(wsInP, jmax, 1);
          nNew = 1;
          if (from < k - 1) choleskyRebuild(cols, k, from);
        } else choleskyRebuild(cols, k, from);
        firstInner = true;
        continue;
      }
      firstInner = false;
      let alpha = Infinity;
      let hit = -1;
      for (let p = 0; p < k; p++) {
        const zp = f(wsZ, p);
        if (zp <= 0) {
          const xp = f(x, pid(p));
          const s = xp / (xp - zp);
          if (s < alpha) {
            alpha = s;
            hit = p;
          }
        }
      }
      let kk = 0;
      let from = -1;
      for (let p = 0; p < k; p++) {
        const j = pid(p);
        const xj = f(x, j);
        const v = xj + alpha * (f(wsZ, p) - xj);
        if (p == hit || v <= 0) {
          setf(x, j, 0);
          setU8(wsInP, j, 0);
          if (from < 0) from = p;
        } else {
          setf(x, j, v);
          setPid(kk++, j);
        }
      }
      k = kk;
      nNew = 0;
      if (k == 0) break;
      choleskyRebuild(cols, k, from);
    }
    memory.copy(wsW, wsB, (<usize>cols) << 3);
    for (let p = 0; p < k; p++) {
      const col = pid(p);
      axpy(-f(x, col), at(wsGram, col * cols), wsW, cols);
    }
  }
  return iterations;
}

@inline
function align16(b: usize): usize {
  return (b + 15) & ~(<usize>15);
}

/** Bytes of workspace `anchorGeometry` needs for M points in D + 1 = D1 dimensions and nT t-vectors. */
export function anchorWorkspaceBytes(D1: i32, M: i32, nT: i32): usize {
  const m8 = align16((<usize>M) << 3);
  const d8 = align16((<usize>D1) << 3);
  return align16((<usize>(M * M)) << 3) * 2 + align16((<usize>M) << 2) + align16(<usize>M) * 2 + m8 * 8 + d8 * 4 + align16((<usize>(nT * D1)) << 3);
}

/**
 * anchorGeometry.ts for one manifold: sD1 ((D+1) × M column-major, last row 1), t-vectors (nT × (D+1)
 * row-major), margin κ. Writes capacity, radius, dimension, interior, NNLS iterations, NNLS solved and
 * NNLS stopped at the cap to out[0..7).
 */
export function anchorGeometry(sD1: usize, dim: i32, M: i32, tv: usize, nT: i32, kappa: f64, ws: usize, out: usize): void {
  const D1 = dim + 1;
  const m8 = align16((<usize>M) << 3);
  const d8 = align16((<usize>D1) << 3);
  let p = ws;
  wsGram = p;
  p += align16((<usize>(M * M)) << 3);
  wsL = p;
  p += align16((<usize>(M * M)) << 3);
  wsPidx = p;
  p += align16((<usize>M) << 2);
  wsInP = p;
  p += align16(<usize>M);
  wsExcl = p;
  p += align16(<usize>M);
  wsZ = p;
  p += m8;
  wsY = p;
  p += m8;
  wsRhs = p;
  p += m8;
  wsW = p;
  p += m8;
  wsB = p;
  p += m8;
  const alpha = p;
  p += m8;
  const proj = p;
  p += m8;
  const atb = p;
  p += m8;
  wsR = p;
  p += d8;
  const tPrime = p;
  p += d8;
  const sAlpha = p;
  p += d8;
  const mean = p;
  p += d8;
  const anchors = p;
  // Gram of the points, shared by every NNLS of this manifold (gramOfRows: lower triangle, mirrored).
  for (let a = 0; a < M; a++) {
    for (let b = 0; b <= a; b++) {
      const s = dot(at(sD1, a * D1), at(sD1, b * D1), D1);
      setf(wsGram, a * M + b, s);
      setf(wsGram, b * M + a, s);
    }
  }
  let interior = 0;
  let nnlsIterations = 0;
  let nnlsSolved = 0;
  let nnlsMaxIterations = 0;
  for (let k = 0; k < nT; k++) {
    const t = at(tv, k * D1);
    const o = at(anchors, k * D1);
    let best = -Infinity;
    let muStar = 0;
    for (let mu = 0; mu < M; mu++) {
      const s = dot(t, at(sD1, mu * D1), dim);
      setf(proj, mu, s);
      if (s > best) {
        best = s;
        muStar = mu;
      }
    }
    const sStar = at(sD1, muStar * D1);
    const g = dot(t, sStar, D1);
    if (g + kappa < 0) {
      memory.copy(o, sStar, (<usize>D1) << 3);
      interior++;
      continue;
    }
    memory.copy(tPrime, t, (<usize>D1) << 3);
    setf(tPrime, dim, f(tPrime, dim) + kappa);
    const t0 = f(tPrime, dim);
    for (let mu = 0; mu < M; mu++) setf(atb, mu, f(proj, mu) + t0 * f(sD1, mu * D1 + dim));
    nnlsIterations += nnlsSolve(sD1, D1, M, tPrime, alpha, atb);
    nnlsSolved++;
    if (nnlsStatus != 0) nnlsMaxIterations++;
    memory.fill(sAlpha, 0, (<usize>D1) << 3);
    let sumAlpha = 0.0;
    for (let mu = 0; mu < M; mu++) {
      const am = f(alpha, mu);
      if (am == 0) continue;
      sumAlpha += am;
      axpy(am, at(sD1, mu * D1), sAlpha, D1);
    }
    const vt2 = dot(sAlpha, sAlpha, D1);
    if (Math.sqrt(vt2) < 1e-8 || sumAlpha == 0) {
      memory.copy(o, sStar, (<usize>D1) << 3);
      interior++;
    } else {
      for (let i = 0; i < D1; i++) setf(o, i, f(sAlpha, i) / sumAlpha);
    }
  }
  // Capacity, eqs. 16–17.
  let sumF = 0.0;
  for (let k = 0; k < nT; k++) {
    const t = at(tv, k * D1);
    const s = at(anchors, k * D1);
    const ts = dot(t, s, D1);
    const ss = dot(s, s, D1);
    const h = ts + kappa > 0 ? ts + kappa : 0;
    if (ss > 0) sumF += (h * h) / ss;
  }
  const capacity = 1 / (sumF / <f64>nT);
  // Radius, eq. 28 as coded.
  memory.fill(mean, 0, (<usize>D1) << 3);
  for (let k = 0; k < nT; k++) axpy(1, at(anchors, k * D1), mean, D1);
  for (let i = 0; i < D1; i++) setf(mean, i, f(mean, i) / <f64>nT);
  let sumSq = 0.0;
  for (let k = 0; k < nT; k++) {
    const o = at(anchors, k * D1);
    const last = f(o, dim);
    for (let i = 0; i < dim; i++) {
      const v = (f(o, i) - f(mean, i)) / last;
      sumSq += v * v;
    }
  }
  const radius = Math.sqrt(sumSq / <f64>nT);
  // Dimension, eq. 29 as coded.
  let sumCos = 0.0;
  for (let k = 0; k < nT; k++) {
    const t = at(tv, k * D1);
    const s = at(anchors, k * D1);
    const tt = dot(t, t, dim);
    const ss = dot(s, s, dim);
    const ts = dot(t, s, dim);
    sumCos += ts / Math.sqrt(tt) / Math.sqrt(ss + 1e-12);
  }
  const meanCos = sumCos / <f64>nT;
  setf(out, 0, capacity);
  setf(out, 1, radius);
  setf(out, 2, <f64>dim * meanCos * meanCos);
  setf(out, 3, <f64>interior);
  setf(out, 4, <f64>nnlsIterations);
  setf(out, 5, <f64>nnlsSolved);
  setf(out, 6, <f64>nnlsMaxIterations);
}

// The Riemannian conjugate gradient of stiefelConjugateGradient.ts (pymanopt 0.2.4's defaults) run on
// the centre-correlation cost with its line-search fast path, all in this module: the same iterates as
// the TypeScript CG with CenterCorrelationCost, up to rounding, on the arrays corrBind set.
@external("env", "nowMs")
declare function nowMs(): f64;

/** out (K × P) = (X v)ᵀ for v row-major d × K. */
function imageOf(v: usize, out: usize): void {
  const d = cD;
  const K = cK;
  for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) setf(cVT, k * d + i, f(v, i * K + k));
  corrImage(out);
}

/** F(v) and its Euclidean gradient (row-major d × K) into egrad; cached: cT and ir already hold v's image. */
function costAndGradAt(v: usize, egrad: usize, cached: bool, haveLow: bool): f64 {
  if (!cached) {
    imageOf(v, cCT);
    corrInverseResiduals();
  }
  const fx = corrCostAndGrad(haveLow ? 1 : 0) / 2;
  const d = cD;
  const K = cK;
  for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) setf(egrad, i * K + k, f(cGT, k * d + i));
  return fx;
}

/**
 * g (k × k) = aᵀb for row-major n × k a, b. Each entry's sum runs over i in order, as the TypeScript
 * CG's does, in a register. Entries (p, q), (p, q + 1) share one two-lane sum (lane j is column q + j,
 * still in i order, so the same bits), and a row p of g takes up to four columns per pass over i:
 * one scalar chain per entry had waited on the add latency (the k × k products were a sixth of a CG
 * iteration at K = 5).
 */
function gramOfTall(a: usize, b: usize, n: i32, k: i32, g: usize): void {
  for (let p = 0; p < k; p++) {
    let q = 0;
    for (; q + 3 < k; q += 4) {
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      for (let i = 0; i < n; i++) {
        const ai = f64x2.splat(f(a, i * k + p));
        const bi = at(b, i * k + q);
        s0 = f64x2.add(s0, f64x2.mul(ai, v128.load(bi)));
        s1 = f64x2.add(s1, f64x2.mul(ai, v128.load(bi, 16)));
      }
      v128.store(at(g, p * k + q), s0);
      v128.store(at(g, p * k + q + 2), s1);
    }
    for (; q + 1 < k; q += 2) {
      let s0 = f64x2.splat(0);
      for (let i = 0; i < n; i++) s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(f(a, i * k + p)), v128.load(at(b, i * k + q))));
      v128.store(at(g, p * k + q), s0);
    }
    if (q < k) {
      let s = 0.0;
      for (let i = 0; i < n; i++) s += f(a, i * k + p) * f(b, i * k + q);
      setf(g, p * k + q, s);
    }
  }
}

/** out = u − x·sym(xᵀu) (pymanopt Stiefel.proj); xtu is k × k scratch, overwritten by sym(xᵀu). */
function stiefelProject(x: usize, u: usize, n: i32, k: i32, out: usize, xtu: usize): void {
  gramOfTall(x, u, n, k, xtu);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = 0.5 * (f(xtu, a * k + b) + f(xtu, b * k + a));
      setf(xtu, a * k + b, v);
      setf(xtu, b * k + a, v);
    }
  }
  // Row i of x·sym(xᵀu), two columns b, b + 1 per two-lane sum over a in order (the same bits).
  for (let i = 0; i < n; i++) {
    const xi = at(x, i * k);
    let b = 0;
    for (; b + 1 < k; b += 2) {
      let s = f64x2.splat(0);
      for (let a = 0; a < k; a++) s = f64x2.add(s, f64x2.mul(f64x2.splat(f(xi, a)), v128.load(at(xtu, a * k + b))));
      v128.store(at(out, i * k + b), f64x2.sub(v128.load(at(u, i * k + b)), s));
    }
    if (b < k) {
      let s = 0.0;
      for (let a = 0; a < k; a++) s += f(xi, a) * f(xtu, a * k + b);
      setf(out, i * k + b, f(u, i * k + b) - s);
    }
  }
}

/** R⁻¹ of the Cholesky QR of x + αd from xᵀx, xᵀd, dᵀd (stiefelConjugateGradient.ts retractionRInv); false if not PD. */
function retractionRInv(xtx: usize, xtd: usize, dtd: usize, k: i32, alpha: f64, g: usize, r: usize, inv: usize): bool {
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      setf(g, a * k + b, f(xtx, a * k + b) + alpha * (f(xtd, a * k + b) + f(xtd, b * k + a)) + alpha * alpha * f(dtd, a * k + b));
  memory.fill(r, 0, (<usize>(k * k)) << 3);
  for (let j = 0; j < k; j++) {
    let v = f(g, j * k + j);
    for (let i = 0; i < j; i++) v -= f(r, i * k + j) * f(r, i * k + j);
    if (!(v > 0)) return false;
    const rjj = Math.sqrt(v);
    setf(r, j * k + j, rjj);
    for (let c = j + 1; c < k; c++) {
      let w = f(g, j * k + c);
      for (let i = 0; i < j; i++) w -= f(r, i * k + j) * f(r, i * k + c);
      setf(r, j * k + c, w / rjj);
    }
  }
  memory.fill(inv, 0, (<usize>(k * k)) << 3);
  for (let j = k - 1; j >= 0; j--) {
    setf(inv, j * k + j, 1 / f(r, j * k + j));
    for (let c = j + 1; c < k; c++) {
      let w = 0.0;
      for (let i = j + 1; i <= c; i++) w += f(r, j * k + i) * f(inv, i * k + c);
      setf(inv, j * k + c, -w / f(r, j * k + j));
    }
  }
  return true;
}

/** The cost at (x + αd)·R⁻¹ (R⁻¹ upper triangular K × K) from the images cx = Xx, cd = Xd; leaves A's rows in aLow. */
export function corrCostAt(alpha: f64, rInv: usize): f64 {
  const P = cP;
  const K = cK;
  // c_m = Σ_{a ≤ c} (cx + α cd)_am R⁻¹_ac, in a order from 0, two m per two-lane sum (the same bits).
  const va = f64x2.splat(alpha);
  for (let c = 0; c < K; c++) {
    const out = at(cCT, c * P);
    let m = 0;
    for (; m + 1 < P; m += 2) {
      let s = f64x2.splat(0);
      for (let a = 0; a <= c; a++) {
        const ia = a * P + m;
        const t = f64x2.add(v128.load(at(cCx, ia)), f64x2.mul(va, v128.load(at(cCd, ia))));
        s = f64x2.add(s, f64x2.mul(t, f64x2.splat(f(rInv, a * K + c))));
      }
      v128.store(at(out, m), s);
    }
    for (; m < P; m++) {
      let s = 0.0;
      for (let a = 0; a <= c; a++) s += (f(cCx, a * P + m) + alpha * f(cCd, a * P + m)) * f(rInv, a * K + c);
      setf(out, m, s);
    }
  }
  corrInverseResiduals();
  return (<f64>P + 2 * corrOffDiagonal(1)) / 2;
}

/** Bytes of workspace corrCg needs on St(d, K). */
export function corrCgWorkspaceBytes(d: i32, K: i32): usize {
  return align16((<usize>(d * K)) << 3) * 8 + align16((<usize>(K * K)) << 3) * 7;
}

/**
 * stiefelConjugateGradient from x0 (row-major d × K) on the bound cost. Writes the final point to xOut
 * and cost, ‖grad‖, iterations, cost evaluations and the stop reason (0 gradNorm, 1 stepSize,
 * 2 maxIterations, 3 maxTime, 4 nonFinite) to out[0..5).
 */
export function corrCg(
  x0: usize,
  xOut: usize,
  ws: usize,
  maxIterations: i32,
  minGradNorm: f64,
  minStepSize: f64,
  maxBacktracks: i32,
  maxTimeSeconds: f64,
  out: usize,
): void {
  const n = cD;
  const k = cK;
  const size = n * k;
  const sz = align16((<usize>size) << 3);
  const kz = align16((<usize>(k * k)) << 3);
  let p = ws;
  let x = p;
  p += sz;
  const egrad = p;
  p += sz;
  let grad = p;
  p += sz;
  const desc = p;
  p += sz;
  let newGrad = p;
  p += sz;
  const oldGradT = p;
  p += sz;
  const descT = p;
  p += sz;
  let newX = p;
  p += sz;
  const kk = p;
  p += kz;
  const xtx = p;
  p += kz;
  const xtd = p;
  p += kz;
  const dtd = p;
  p += kz;
  const rg = p;
  p += kz;
  const rr = p;
  p += kz;
  const rInv = p;
  const t0 = nowMs();
  memory.copy(x, x0, (<usize>size) << 3);
  let cost = costAndGradAt(x, egrad, false, false);
  let costEvaluations = 1;
  stiefelProject(x, egrad, n, k, grad, kk);
  let gradNorm = Math.sqrt(dot(grad, grad, size));
  let gradPgrad = gradNorm * gradNorm;
  for (let i = 0; i < size; i++) setf(desc, i, -f(grad, i));
  let iter = 0;
  let stepSize = NaN;
  let oldAlpha = -1.0; // < 0: none yet (LineSearchAdaptive state, fresh per solve)
  let cached = true; // cT and ir hold x's image
  let stop = 0;
  for (;;) {
    if (!isFinite(cost) || !isFinite(gradNorm)) {
      stop = 4;
      break;
    }
    if ((nowMs() - t0) / 1000 >= maxTimeSeconds) {
      stop = 3;
      break;
    }
    if (gradNorm < minGradNorm) {
      stop = 0;
      break;
    }
    if (stepSize < minStepSize) {
      stop = 1;
      break;
    }
    if (iter + 1 >= maxIterations) {
      stop = 2;
      break;
    }
    let df0 = dot(grad, desc, size);
    if (df0 >= 0) {
      for (let i = 0; i < size; i++) setf(desc, i, -f(grad, i));
      df0 = -gradPgrad;
    }
    const normD = Math.sqrt(dot(desc, desc, size));
    let alpha = oldAlpha >= 0 ? oldAlpha : 1 / normD;
    // begin(x, desc)
    if (cached) memory.copy(cCx, cCT, (<usize>(k * cP)) << 3);
    else imageOf(x, cCx);
    imageOf(desc, cCd);
    gramOfTall(x, x, n, k, xtx);
    gramOfTall(x, desc, n, k, xtd);
    gramOfTall(desc, desc, n, k, dtd);
    let haveR = retractionRInv(xtx, xtd, dtd, k, alpha, rg, rr, rInv);
    let newF = haveR ? corrCostAt(alpha, rInv) : NaN;
    costEvaluations++;
    let evals = 1;
    while (newF > cost + 0.5 * alpha * df0 && evals <= maxBacktracks) {
      alpha *= 0.5;
      haveR = retractionRInv(xtx, xtd, dtd, k, alpha, rg, rr, rInv);
      newF = haveR ? corrCostAt(alpha, rInv) : NaN;
      costEvaluations++;
      evals++;
    }
    let accepted = false;
    if (newF > cost) {
      alpha = 0;
      memory.copy(newX, x, (<usize>size) << 3);
    } else {
      // (x + αd)·R⁻¹; with no R (a non-finite trial) the point is unusable and the next cost says so.
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < k; c++) {
          let s = 0.0;
          if (haveR) for (let a = 0; a <= c; a++) s += (f(x, i * k + a) + alpha * f(desc, i * k + a)) * f(rInv, a * k + c);
          else s = NaN;
          setf(newX, i * k + c, s);
        }
      }
      accepted = haveR;
    }
    stepSize = alpha * normD;
    oldAlpha = evals == 2 ? alpha : 2 * alpha;
    const newCost = costAndGradAt(newX, egrad, accepted, accepted);
    costEvaluations++;
    stiefelProject(newX, egrad, n, k, newGrad, kk);
    const newGradNorm = Math.sqrt(dot(newGrad, newGrad, size));
    const newGradPgrad = newGradNorm * newGradNorm;
    stiefelProject(newX, grad, n, k, oldGradT, kk);
    stiefelProject(newX, desc, n, k, descT, kk);
    let ipDiff = 0.0;
    let denom = 0.0;
    for (let i = 0; i < size; i++) {
      const diff = f(newGrad, i) - f(oldGradT, i);
      ipDiff += f(newGrad, i) * diff;
      denom += diff * f(descT, i);
    }
    let beta = ipDiff / denom;
    if (!(beta > 0)) beta = 0;
    if (!isFinite(beta)) beta = 0;
    for (let i = 0; i < size; i++) setf(desc, i, -f(newGrad, i) + beta * f(descT, i));
    const swapX = x;
    x = newX;
    newX = swapX;
    cost = newCost;
    const swap = grad;
    grad = newGrad;
    newGrad = swap;
    gradNorm = newGradNorm;
    gradPgrad = newGradPgrad;
    cached = true;
    iter++;
  }
  memory.copy(xOut, x, (<usize>size) << 3);
  setf(out, 0, cost);
  setf(out, 1, gradNorm);
  setf(out, 2, <f64>iter);
  setf(out, 3, <f64>costEvaluations);
  setf(out, 4, <f64>stop);
}

/**
 * householderQr.ts householderQrInPlace: A (column-major rows × cols) overwritten by LAPACK's compact
 * QR (dgeqr2/dlarfg signs), the reflector scalars τ_j to tau (min(rows, cols) of them).
 */
export function householderQr(a: usize, rows: i32, cols: i32, tau: usize): void {
  const k = rows < cols ? rows : cols;
  for (let j = 0; j < k; j++) {
    const cj = at(a, j * rows);
    const alpha = f(cj, j);
    const tail = rows - j - 1;
    const v = at(cj, j + 1);
    const xnorm2 = dot(v, v, tail);
    if (xnorm2 == 0) {
      setf(tau, j, 0);
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + xnorm2);
    const beta = alpha >= 0 ? -norm : norm;
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    const vs = f64x2.splat(scale);
    let i = 0;
    for (; i + 1 < tail; i += 2) v128.store(at(v, i), f64x2.mul(v128.load(at(v, i)), vs));
    for (; i < tail; i++) setf(v, i, f(v, i) * scale);
    setf(cj, j, beta);
    setf(tau, j, t);
    for (let c = j + 1; c < cols; c++) {
      const cc = at(a, c * rows);
      const w = (f(cc, j) + dot(v, at(cc, j + 1), tail)) * t;
      setf(cc, j, f(cc, j) - w);
      axpy(-w, v, at(cc, j + 1), tail);
    }
  }
}

/** The economic Q (rows × k column-major, k = min(rows, cols)) of a compact QR: column c = Q e_c (householderQr.ts qrQ). */
export function householderQ(qr: usize, rows: i32, cols: i32, tau: usize, q: usize): void {
  const k = rows < cols ? rows : cols;
  memory.fill(q, 0, (<usize>(rows * k)) << 3);
  for (let c = 0; c < k; c++) {
    const y = at(q, c * rows);
    setf(y, c, 1);
    // Only reflectors j ≤ c touch e_c.
    for (let j = c; j >= 0; j--) {
      const t = f(tau, j);
      if (t == 0) continue;
      const cj = at(qr, j * rows);
      const tail = rows - j - 1;
      const w = (f(y, j) + dot(at(cj, j + 1), at(y, j + 1), tail)) * t;
      setf(y, j, f(y, j) - w);
      axpy(-w, at(cj, j + 1), at(y, j + 1), tail);
    }
  }
}

// Standard normals of random/rng.ts `Rng.fillNormal`: the same xoshiro128** stream and the same
// Box–Muller transform, value for value. log, sin and cos are JavaScript's own Math functions,
// imported (V8 calls them directly), so the bits match the JavaScript draw; sqrt is IEEE in both.
@external("env", "log")
declare function jsLog(x: f64): f64;
@external("env", "sin")
declare function jsSin(x: f64): f64;
@external("env", "cos")
declare function jsCos(x: f64): f64;

// The xoshiro128** state during a fillNormal call.
let xs0: u32 = 0;
let xs1: u32 = 0;
let xs2: u32 = 0;
let xs3: u32 = 0;

/** Rng.nextUint32: the next xoshiro128** output. */
@inline
function nextU32(): u32 {
  const r = rotl<u32>(xs1 * 5, 7) * 9;
  const t = xs1 << 9;
  xs2 ^= xs0;
  xs3 ^= xs1;
  xs1 ^= xs2;
  xs0 ^= xs3;
  xs2 ^= t;
  xs3 = rotl<u32>(xs3, 11);
  return r;
}

/** Rng.uniform: two outputs make one uniform on [0, 1) with 53 random bits. */
@inline
function uniform53(): f64 {
  const hi = nextU32() >>> 5;
  const lo = nextU32() >>> 6;
  return (<f64>hi * 67108864 + <f64>lo) / 9007199254740992;
}

/**
 * n normals into out. st holds the generator: the xoshiro128** words s0..s3 (u32 at st, st + 4, + 8,
 * + 12), the Box–Muller spare (f64 at st + 16) and whether there is one (i32 at st + 24); it is
 * read at the start and written back at the end.
 */
export function fillNormal(st: usize, out: usize, n: i32): void {
  xs0 = load<u32>(st);
  xs1 = load<u32>(st + 4);
  xs2 = load<u32>(st + 8);
  xs3 = load<u32>(st + 12);
  let spare = load<f64>(st + 16);
  let has = load<i32>(st + 24);
  let i = 0;
  if (has != 0 && n > 0) {
    setf(out, 0, spare);
    has = 0;
    i = 1;
  }
  while (i < n) {
    // Rng.normal: u from uniform() until it is not 0, then v.
    let u = 0.0;
    while (u == 0) u = uniform53();
    const v = uniform53();
    const rad = Math.sqrt(-2 * jsLog(u));
    spare = rad * jsSin(2 * Math.PI * v);
    setf(out, i, rad * jsCos(2 * Math.PI * v));
    i++;
    if (i < n) {
      setf(out, i, spare);
      i++;
    } else has = 1;
  }
  store<u32>(st, xs0);
  store<u32>(st + 4, xs1);
  store<u32>(st + 8, xs2);
  store<u32>(st + 12, xs3);
  store<f64>(st + 16, spare);
  store<i32>(st + 24, has);
}

/** (x, y) ← (c·x − s·y, s·x + c·y) for rows x and y of length n. */
@inline
function rotateRows(x: usize, y: usize, n: i32, c: f64, s: f64, vc: v128, vs: v128): void {
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const xk = v128.load(at(x, k));
    const yk = v128.load(at(y, k));
    v128.store(at(x, k), f64x2.sub(f64x2.mul(vc, xk), f64x2.mul(vs, yk)));
    v128.store(at(y, k), f64x2.add(f64x2.mul(vs, xk), f64x2.mul(vc, yk)));
  }
  for (; k < n; k++) {
    const xk = f(x, k);
    const yk = f(y, k);
    setf(x, k, c * xk - s * yk);
    setf(y, k, s * xk + c * yk);
  }
}

/**
 * The cyclic Jacobi sweeps of sharedCenterSubspace.ts `principalAxes` on the symmetric d × d a
 * (row-major, overwritten towards diagonal), rotating v (d × d, the identity on entry) along: the
 * same rotations in the same order, so the same bits. Returns the sweeps done.
 */
export function jacobiSweeps(a: usize, v: usize, d: i32, maxSweeps: i32): i32 {
  let sweep = 0;
  for (; sweep < maxSweeps; sweep++) {
    let off = 0.0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += f(a, p * d + q) * f(a, p * d + q);
    let all = 0.0;
    for (let i = 0; i < d * d; i++) all += f(a, i) * f(a, i);
    if (off < 1e-30 * (1 + all)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = f(a, p * d + q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (f(a, q * d + q) - f(a, p * d + p)) / (2 * apq);
        const sgn: f64 = theta != 0 && !isNaN(theta) && theta < 0 ? -1 : 1;
        const t = sgn / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = f(a, k * d + p);
          const akq = f(a, k * d + q);
          setf(a, k * d + p, c * akp - s * akq);
          setf(a, k * d + q, s * akp + c * akq);
        }
        // Rows p and q of a, and columns p and q of v (kept transposed here, so rows too), two
        // entries at a time: each entry gets the same two products and one add as the scalar update.
        const vc = f64x2.splat(c);
        const vs = f64x2.splat(s);
        rotateRows(at(a, p * d), at(a, q * d), d, c, s, vc, vs);
        rotateRows(at(v, p * d), at(v, q * d), d, c, s, vc, vs);
      }
    }
  }
  // v was rotated as vᵀ: give it back as v.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const x = f(v, i * d + j);
      setf(v, i * d + j, f(v, j * d + i));
      setf(v, j * d + i, x);
    }
  }
  return sweep;
}

/**
 * z (T × K row-major) = x wᵀ for x (T × n) and w (K × n), row-major: simulatedCapacity.ts's random
 * projection of the points. Vectorised across outputs, not along the sum: the two lanes hold z[t, k]
 * and z[t, k + 1] (w's rows k, k + 1 interleaved into ws, 2n floats), and two points t, t + 1 go at
 * once, so every output is the sequential sum over f of the JavaScript loop, bit for bit.
 */
export function projectRows(x: usize, T: i32, n: i32, w: usize, K: i32, z: usize, ws: usize): void {
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const w0 = at(w, k * n);
    const w1 = at(w, (k + 1) * n);
    for (let j = 0; j < n; j++) {
      setf(ws, 2 * j, f(w0, j));
      setf(ws, 2 * j + 1, f(w1, j));
    }
    let t = 0;
    for (; t + 1 < T; t += 2) {
      const x0 = at(x, t * n);
      const x1 = at(x, (t + 1) * n);
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      for (let j = 0; j < n; j++) {
        const wv = v128.load(at(ws, 2 * j));
        a0 = f64x2.add(a0, f64x2.mul(wv, v128.load64_splat(at(x0, j))));
        a1 = f64x2.add(a1, f64x2.mul(wv, v128.load64_splat(at(x1, j))));
      }
      v128.store(at(z, t * K + k), a0);
      v128.store(at(z, (t + 1) * K + k), a1);
    }
    for (; t < T; t++) {
      const x0 = at(x, t * n);
      let a0 = f64x2.splat(0);
      for (let j = 0; j < n; j++) a0 = f64x2.add(a0, f64x2.mul(v128.load(at(ws, 2 * j)), v128.load64_splat(at(x0, j))));
      v128.store(at(z, t * K + k), a0);
    }
  }
  for (; k < K; k++) {
    const wk = at(w, k * n);
    for (let t = 0; t < T; t++) {
      const xt = at(x, t * n);
      let s = 0.0;
      for (let j = 0; j < n; j++) s += f(wk, j) * f(xt, j);
      setf(z, t * K + k, s);
    }
  }
}
