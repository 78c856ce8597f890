// Number and text formatting shared by every renderer, so the terminal, Markdown and HTML reports
// print the same value the same way. Non-finite numbers print as an en dash: a missing measurement
// must look missing, not like a zero.

/** Shown for a value that does not exist (a non-spiking model's SOPs) or is not a finite number. */
export const MISSING = '–';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Control characters other than tab, LF and CR are not allowed anywhere in an XML 1.0 document: one in a
// label would make the whole SVG unparseable, so they are dropped rather than escaped.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text for XML/SVG character data and double- or single-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(XML_FORBIDDEN, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

/** Escapes text for HTML character data and quoted attribute values (same rules as {@link escapeXml}). */
export function escapeHtml(text: string): string {
  return escapeXml(text);
}

/** A fraction as a percentage with 2 decimals: 0.98123 -> '98.12%'. */
export function formatPercent(fraction: number, decimals = 2): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(decimals)}%` : MISSING;
}

/** Negative log-likelihood (nats per image), 4 decimals. */
export function formatNll(nll: number): string {
  return fixed(nll, 4);
}

/** Expected calibration error, as a percentage with 2 decimals: 0.0123 -> '1.23%'. */
export function formatEce(ece: number): string {
  return formatPercent(ece);
}

/** Brier score (sum over the 10 classes, mean over images), 4 decimals. */
export function formatBrier(brier: number): string {
  return fixed(brier, 4);
}

/** Area under the ROC curve, 4 decimals. */
export function formatAuroc(auroc: number): string {
  return fixed(auroc, 4);
}

/** A count rounded to an integer with comma thousands separators, locale-independent: 1234567 -> '1,234,567'. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return MISSING;
  const digits = Math.abs(Math.round(count)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return count < 0 && Math.round(count) !== 0 ? `-${digits}` : digits;
}

const COMPACT_UNITS = [
  { suffix: 'k', size: 1e3 },
  { suffix: 'M', size: 1e6 },
  { suffix: 'G', size: 1e9 },
  { suffix: 'T', size: 1e12 },
];

/**
 * A count with `digits` (default 3) significant digits and a k/M/G/T suffix from 1,000 up:
 * 794000 -> '794k', 1234567 -> '1.23M', 950 -> '950'; with 2 digits 9569 -> '9.6k'.
 */
export function formatCompactCount(count: number, digits = 3): string {
  if (!Number.isFinite(count)) return MISSING;
  if (Math.abs(count) < 999.5) return formatCount(count);
  for (let i = 0; i < COMPACT_UNITS.length; i++) {
    const { suffix, size } = COMPACT_UNITS[i];
    const scaled = count / size;
    // 999,950 rounds to '1000k' in k; it belongs to the next unit as '1.00M'
    if (Math.abs(Number(scaled.toPrecision(digits))) < 1000 || i === COMPACT_UNITS.length - 1) return `${significant(scaled, digits)}${suffix}`;
  }
  return formatCount(count);
}

/** Energy per sample from nanojoules, 3 significant digits, in nJ below 1 µJ, then µJ, then mJ: 245 -> '245 nJ', 3650 -> '3.65 µJ'. */
export function formatEnergy(nanojoules: number): string {
  if (!Number.isFinite(nanojoules)) return MISSING;
  if (nanojoules === 0) return '0 nJ';
  const magnitude = Math.abs(nanojoules);
  if (Number(magnitude.toPrecision(3)) < 1e3) return `${significant(nanojoules)} nJ`;
  if (Number(magnitude.toPrecision(3)) < 1e6) return `${significant(nanojoules / 1e3)} µJ`;
  return `${significant(nanojoules / 1e6)} mJ`;
}

/** Milliseconds, 3 significant digits: 0.052 -> '0.0520 ms'. */
export function formatLatency(milliseconds: number): string {
  return Number.isFinite(milliseconds) ? `${significant(milliseconds)} ms` : MISSING;
}

/** Samples per second, compact: 173456 -> '173k/s'. */
export function formatThroughput(samplesPerSecond: number): string {
  return Number.isFinite(samplesPerSecond) ? `${formatCompactCount(samplesPerSecond)}/s` : MISSING;
}

/** Rotation angle: 30 -> '30°'. */
export function formatDegrees(degrees: number): string {
  return `${degrees}°`;
}

/** An ISO time as 'YYYY-MM-DD HH:MM UTC' (the reader compares runs, seconds are noise); unparseable input is returned as is. */
export function formatTimestamp(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const utc = time.toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}

function fixed(value: number, decimals: number): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : MISSING;
}

/** `digits` significant digits, without exponent notation (toPrecision(2) writes 150 as '1.5e+2'). */
function significant(value: number, digits = 3): string {
  return Math.abs(value) >= 10 ** digits ? String(Math.round(value)) : value.toPrecision(digits);
}
