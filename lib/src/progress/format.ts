/**
 * Seconds as `4.2s` (with `digits` decimals, default 1) under a minute, `3m05s` under an hour, `1h02m`
 * beyond; `?` for NaN, infinity or a negative time (an ETA not known yet).
 */
export function formatSeconds(s: number, digits = 1): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (Number(s.toFixed(digits)) < 60) return `${s.toFixed(digits)}s`;
  const t = Math.round(s);
  const two = (v: number) => String(v).padStart(2, '0');
  if (t >= 3600) return `${Math.floor(t / 3600)}h${two(Math.floor((t % 3600) / 60))}m`;
  return `${Math.floor(t / 60)}m${two(t % 60)}s`;
}

/** Seconds in whole seconds (`12s`, `3m05s`, `1h02m`): `formatSeconds` for ETAs. */
export function fmtTime(s: number): string {
  return formatSeconds(s, 0);
}

/** A bar of `width` characters, `#` for the fraction done and `-` for the rest. */
export function progressBar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '#'.repeat(filled) + '-'.repeat(width - filled);
}
