import { InputError } from '../errors';
import { normalKernel } from '../simd/kernels';

/** Largest seed: seeds are 32-bit unsigned integers (a larger one would wrap onto a smaller one's stream). */
export const MAX_SEED = 0xffffffff;

/** Check a user-given seed: an integer in 0..2^32 − 1, else an InputError naming `where`. */
export function checkSeed(seed: unknown, where: string): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InputError(
      `${where}: a seed must be an integer in 0..${MAX_SEED} (2^32 - 1; larger ones would repeat smaller ones' draws), got ${JSON.stringify(seed)}`,
    );
  }
  return seed;
}

/**
 * Seeded pseudo-random numbers for everything in memgeo that draws at random: label permutations,
 * data order, Gaussian t-vectors, random projections, Stiefel starts.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32, so that any 32-bit
 * integer seed gives a well-mixed state. Gaussians come from the Box–Muller transform. One `Rng`
 * is one stream; `Rng.derive(seed, ...labels)` gives independent, reproducible sub-streams (one per
 * worker, per manifold, per epoch) without the draws of one depending on how many another made.
 *
 * @example
 * const rng = new Rng(0);
 * rng.normal();            // standard Gaussian
 * rng.permutation(10);     // Int32Array of 0..9 shuffled
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // The second Box–Muller value; a number and a flag rather than number | null, which keeps the
  // field a plain double for V8 (the normal draw is ~2× faster; same stream).
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      // splitmix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent stream for (seed, labels...), e.g. `Rng.derive(seed, 'tvec', manifoldIndex)`. */
  static derive(seed: number, ...labels: (string | number)[]): Rng {
    let h = (Math.floor(seed) ^ 0x811c9dc5) >>> 0;
    for (const label of labels) {
      const s = String(label);
      for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
      h = Math.imul(h ^ 0xff, 0x01000193) >>> 0;
    }
    return new Rng(h);
  }

  /** Next raw 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1) by Box–Muller. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Fill `out` with standard normals and return it: the values `normal()` would give one by one.
   * Long arrays are drawn by the WebAssembly kernel (lib/src/simd), the same stream at about a
   * quarter of the time; the t-vectors and random projections of the manifold analysis draw millions.
   */
  fillNormal<T extends Float64Array | Float32Array>(out: T): T {
    if (out.length < KERNEL_MIN_NORMALS) return this.fillNormalScalar(out);
    const k = normalKernel();
    k.words[0] = this.s0;
    k.words[1] = this.s1;
    k.words[2] = this.s2;
    k.words[3] = this.s3;
    k.spare[0] = this.spare;
    k.hasSpare[0] = this.hasSpare ? 1 : 0;
    k.fill(out);
    this.s0 = k.words[0];
    this.s1 = k.words[1];
    this.s2 = k.words[2];
    this.s3 = k.words[3];
    this.spare = k.spare[0];
    this.hasSpare = k.hasSpare[0] !== 0;
    return out;
  }

  /** `fillNormal` one `normal()` at a time, in JavaScript: the definition the kernel is tested against. */
  fillNormalScalar<T extends Float64Array | Float32Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** k distinct indices from 0..n-1, in random order. */
  sample(n: number, k: number): Int32Array {
    if (k > n) throw new Error(`Rng.sample: cannot draw ${k} distinct items from ${n}`);
    return this.permutation(n).slice(0, k);
  }
}

/** Below this many normals the kernel's set-up costs more than the JavaScript loop. */
const KERNEL_MIN_NORMALS = 64;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
