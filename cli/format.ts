/** Human-readable numbers for CLI output. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatCount(n: number): string {
  if (n < 1e3) return String(n);
  // Three significant digits: 3.96 K, 11.7 M, 175 G.
  if (n < 1e6) return `${Number((n / 1e3).toPrecision(3))} K`;
  if (n < 1e9) return `${Number((n / 1e6).toPrecision(3))} M`;
  return `${Number((n / 1e9).toPrecision(3))} G`;
}
