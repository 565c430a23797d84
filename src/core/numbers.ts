// Counts in messages people read. Number#toLocaleString would do it, but its first call loads the ICU
// locale data, about 12 ms of every command that prints a count; a count needs only its commas.

/** An integer with thousands separators, `1234567` as `1,234,567` (the en-US form, on any machine). */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return Number.isFinite(n) ? thousands(Math.round(n)) : String(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${digits}` : digits;
}

/** `bytes` in the largest 1024-based unit it fills at least once, up to the `units`-th: `[value, unit index]`. */
export function binaryScale(bytes: number, units: number): [number, number] {
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units - 1) {
    v /= 1024;
    u++;
  }
  return [v, u];
}
