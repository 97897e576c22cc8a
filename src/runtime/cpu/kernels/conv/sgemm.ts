/**
 * c[m x n] += a[m x k] * b[k x n] on Float32Arrays (row-major, with offsets): four rows of `c` at a time over
 * column blocks, so each row of `b` is read once per four output rows and the inner loop stays monomorphic.
 */
const NB = 512;

export function sgemm(
  a: Float32Array, ao: number, b: Float32Array, bo: number, c: Float32Array, co: number, m: number, n: number, k: number,
): void {
  for (let j0 = 0; j0 < n; j0 += NB) {
    const j1 = Math.min(n, j0 + NB);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = co + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      const a0 = ao + i * k;
      for (let p = 0; p < k; p++) {
        const v0 = a[a0 + p]!;
        const v1 = a[a0 + k + p]!;
        const v2 = a[a0 + 2 * k + p]!;
        const v3 = a[a0 + 3 * k + p]!;
        const br = bo + p * n;
        for (let j = j0; j < j1; j++) {
          const bv = b[br + j]!;
          c[c0 + j] = c[c0 + j]! + v0 * bv;
          c[c1 + j] = c[c1 + j]! + v1 * bv;
          c[c2 + j] = c[c2 + j]! + v2 * bv;
          c[c3 + j] = c[c3 + j]! + v3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const cr = co + i * n;
      for (let p = 0; p < k; p++) {
        const v = a[ao + i * k + p]!;
        const br = bo + p * n;
        for (let j = j0; j < j1; j++) c[cr + j] = c[cr + j]! + v * b[br + j]!;
      }
    }
  }
}
