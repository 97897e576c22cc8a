/**
 * Note [numpy RandomState]: the random kernels draw from numpy's legacy `RandomState` stream, so that a
 * seeded node gives what ONNX's reference implementation (onnx/reference/ops/op_random_*.py, which
 * builds `np.random.RandomState(int(seed))` on every run) gives:
 *  - MT19937 seeded with init_genrand(seed mod 2^32) (numpy's `mt19937_seed`);
 *  - `nextDouble` is `random_sample`: (a >> 5, b >> 6) of two 32-bit outputs, (a * 2^26 + b) / 2^53;
 *  - `gauss` is `legacy_gauss`: Marsaglia's polar method, the second value of each pair kept for the
 *    next call;
 *  - `bernoulli(p)` is `legacy_random_binomial(p, n = 1)`: the inversion algorithm, which draws at least
 *    once per element even when p is 0 or 1.
 * Math.log/exp/sqrt may differ from C's libm in the last bit, so a gaussian can rarely differ by an ulp.
 */
const N = 624;
const M = 397;

export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;
  private spare: number | undefined;

  constructor(seed: number) {
    let s = seed >>> 0;
    for (let i = 0; i < N; i++) {
      this.key[i] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + i + 1) >>> 0;
    }
  }

  /** A state seeded from the node's `seed` attribute, or from Math.random when it has none. */
  static fromSeed(seed: number | undefined): RandomState {
    if (seed === undefined || !Number.isFinite(seed)) return new RandomState(Math.floor(Math.random() * 2 ** 32));
    return new RandomState(Math.trunc(seed) % 2 ** 32);
  }

  next32(): number {
    if (this.pos === N) this.twist();
    let y = this.key[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    return (y ^ (y >>> 18)) >>> 0;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  nextDouble(): number {
    const a = this.next32() >>> 5;
    const b = this.next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal. */
  gauss(): number {
    if (this.spare !== undefined) {
      const g = this.spare;
      this.spare = undefined;
      return g;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = f * x1;
    return f * x2;
  }

  /** 1 with probability p (0 <= p <= 1), else 0. */
  bernoulli(p: number): number {
    return p <= 0.5 ? this.inversion(p) : 1 - this.inversion(1 - p);
  }

  /** numpy's random_binomial_inversion for n = 1 (its bound is then 1). */
  private inversion(p: number): number {
    const q = 1 - p;
    const qn = Math.exp(Math.log(q));
    let x = 0;
    let px = qn;
    let u = this.nextDouble();
    while (u > px) {
      x++;
      if (x > 1) {
        x = 0;
        px = qn;
        u = this.nextDouble();
      } else {
        u -= px;
        px = (p * px) / q;
      }
    }
    return x;
  }

  private twist(): void {
    const k = this.key;
    for (let i = 0; i < N; i++) {
      const y = (k[i]! & 0x80000000) | (k[(i + 1) % N]! & 0x7fffffff);
      k[i] = k[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.pos = 0;
  }
}
