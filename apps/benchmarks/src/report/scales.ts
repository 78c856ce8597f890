// Coordinate mapping for the charts: data values to pixel positions, and the tick values worth printing.

/** Maps a data value to a pixel coordinate. */
export type Scale = (value: number) => number;

/**
 * Maps `domain` linearly onto `range`: domain[0] -> range[0], domain[1] -> range[1]. Either pair may be
 * reversed (SVG y grows downwards, so a y axis passes [bottom, top] as its range). An empty domain
 * (both ends equal) maps everything to the middle of the range rather than dividing by zero.
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const slope = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * slope;
}

/**
 * Maps a positive `domain` onto `range` on a base-10 logarithmic axis: every factor of 10 covers the same
 * distance. Non-positive values have no place on such an axis and map to NaN.
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  if (!(domain[0] > 0 && domain[1] > 0)) throw new RangeError(`log scale needs a positive domain, got [${domain.join(', ')}]`);
  const linear = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (value) => (value > 0 ? linear(Math.log10(value)) : Number.NaN);
}

/** The round step (1, 2 or 5 times a power of ten) that cuts `span` into about `targetCount` intervals. */
export function niceStep(span: number, targetCount = 5): number {
  const raw = Math.abs(span) / Math.max(1, targetCount);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const factor = normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10;
  return factor * magnitude;
}

/**
 * Evenly spaced round tick values covering [min, max]: the first tick is <= min, the last >= max, and
 * every tick is a whole multiple of a {@link niceStep}. An empty interval is widened around its value so
 * a single data point still gets an axis. Non-finite input gives no ticks.
 */
export function niceTicks(min: number, max: number, targetCount = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  let [lo, hi] = min <= max ? [min, max] : [max, min];
  if (lo === hi) {
    const unit = lo === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.abs(lo)));
    lo -= unit / 2;
    hi += unit / 2;
  }
  const step = niceStep(hi - lo, targetCount);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  // whole multiples of the step, rounded to 12 significant digits so 3 x 0.1 prints as 0.3
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Powers of ten covering the positive interval [min, max], at least two of them: (3, 250) -> [1, 10, 100, 1000]. */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0 && max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  const lo = Math.floor(Math.log10(Math.min(min, max)) + 1e-9);
  let hi = Math.ceil(Math.log10(Math.max(min, max)) - 1e-9);
  if (hi === lo) hi += 1;
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k++) ticks.push(Number((10 ** k).toPrecision(12)));
  return ticks;
}

/** Decimals needed to print every multiple of `step` exactly: 0.05 -> 2, 10 -> 0. */
export function decimalsForStep(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}
