import {
  MISSING,
  escapeHtml,
  escapeXml,
  formatAuroc,
  formatBrier,
  formatCompactCount,
  formatCount,
  formatEce,
  formatEnergy,
  formatLatency,
  formatNll,
  formatPercent,
  formatThroughput,
  formatTimestamp,
} from './format';

describe('score formatting', () => {
  it('prints accuracy and ECE as percentages with 2 decimals, NLL, Brier and AUROC with 4', () => {
    expect(formatPercent(0.98123)).toBe('98.12%');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0.5, 0)).toBe('50%');
    expect(formatEce(0.01234)).toBe('1.23%');
    expect(formatNll(0.065432)).toBe('0.0654');
    expect(formatBrier(0.03)).toBe('0.0300');
    expect(formatAuroc(0.91249)).toBe('0.9125');
  });

  it('prints a non-finite value as the missing mark, never as a number', () => {
    for (const format of [formatPercent, formatNll, formatEce, formatCount, formatCompactCount, formatEnergy, formatLatency, formatThroughput]) {
      expect(format(Number.NaN)).toBe(MISSING);
      expect(format(Number.POSITIVE_INFINITY)).toBe(MISSING);
    }
  });
});

describe('count formatting', () => {
  it('groups thousands with commas, whatever the locale, and rounds to integers', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567.6)).toBe('1,234,568');
    expect(formatCount(-1234)).toBe('-1,234');
  });

  it('abbreviates with k, M, G and 3 significant digits, moving to the next unit when rounding reaches 1000', () => {
    expect(formatCompactCount(950)).toBe('950');
    expect(formatCompactCount(999.4)).toBe('999');
    expect(formatCompactCount(1000)).toBe('1.00k');
    expect(formatCompactCount(7850)).toBe('7.85k');
    expect(formatCompactCount(794_000)).toBe('794k');
    expect(formatCompactCount(999_950)).toBe('1.00M');
    expect(formatCompactCount(1_234_567)).toBe('1.23M');
    expect(formatCompactCount(2.5e9)).toBe('2.50G');
  });
});

describe('cost formatting', () => {
  it('prints energy in nJ below 1 µJ, then µJ, then mJ, with 3 significant digits', () => {
    expect(formatEnergy(0)).toBe('0 nJ');
    expect(formatEnergy(98.4)).toBe('98.4 nJ');
    expect(formatEnergy(999.4)).toBe('999 nJ');
    expect(formatEnergy(999.9)).toBe('1.00 µJ');
    expect(formatEnergy(3080.6)).toBe('3.08 µJ');
    expect(formatEnergy(2.5e6)).toBe('2.50 mJ');
  });

  it('prints latency in ms and throughput in samples per second', () => {
    expect(formatLatency(0.052)).toBe('0.0520 ms');
    expect(formatLatency(17)).toBe('17.0 ms');
    expect(formatThroughput(173_456)).toBe('173k/s');
    expect(formatThroughput(950)).toBe('950/s');
  });
});

describe('formatTimestamp', () => {
  it('prints an ISO time in UTC to the minute and leaves an unparseable one alone', () => {
    expect(formatTimestamp('2026-03-14T09:26:53.589Z')).toBe('2026-03-14 09:26 UTC');
    expect(formatTimestamp('2026-03-14T10:26:53+01:00')).toBe('2026-03-14 09:26 UTC');
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });
});

describe('escaping', () => {
  it('neutralises the five XML/HTML special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops control characters XML forbids but keeps tabs, newlines and non-ASCII text', () => {
    expect(escapeXml('a\u0000b\u001bc\td\ne µ°–')).toBe('abc\td\ne µ°–');
  });
});
