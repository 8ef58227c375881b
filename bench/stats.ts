/** Small statistics helpers shared by the benchmark suites. */

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Prints one row: label, baseline, measured, ratio. */
export function row(label: string, baseline: number, measured: number, unit: string): void {
  console.log(`| ${label} | ${fmt(baseline)} ${unit} | ${fmt(measured)} ${unit} | ${fmt(measured / baseline, 2)}x |`);
}
