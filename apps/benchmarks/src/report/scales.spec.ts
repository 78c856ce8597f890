import { decimalsForStep, linearScale, logScale, logTicks, niceStep, niceTicks } from './scales';

/** True when `value` is 1, 2 or 5 times a power of ten. */
function isRoundStep(value: number): boolean {
  const mantissa = value / 10 ** Math.floor(Math.log10(value) + 1e-12);
  return [1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9);
}

describe('linearScale', () => {
  it('maps the domain ends to the range ends and the midpoint to the midpoint', () => {
    const x = linearScale([10, 30], [100, 500]);
    expect(x(10)).toBe(100);
    expect(x(30)).toBe(500);
    expect(x(20)).toBe(300);
  });

  it('handles a reversed range, as a y axis that grows upwards needs', () => {
    const y = linearScale([0, 1], [300, 50]);
    expect(y(0)).toBe(300);
    expect(y(1)).toBe(50);
    expect(y(0.5)).toBe(175);
  });

  it('maps an empty domain to the middle of the range instead of NaN', () => {
    expect(linearScale([5, 5], [0, 100])(5)).toBe(50);
  });
});

describe('logScale', () => {
  it('maps the domain ends to the range ends and each factor of 10 to the same distance', () => {
    const x = logScale([1, 10_000], [0, 400]);
    expect(x(1)).toBeCloseTo(0, 9);
    expect(x(10_000)).toBeCloseTo(400, 9);
    const steps = [1, 10, 100, 1000, 10_000].map(x);
    for (let i = 1; i < steps.length; i++) expect(steps[i] - steps[i - 1]).toBeCloseTo(100, 9);
    expect(x(3) - x(1)).toBeCloseTo(x(300) - x(100), 9);
  });

  it('gives no position to non-positive values and refuses a non-positive domain', () => {
    expect(logScale([1, 100], [0, 1])(0)).toBeNaN();
    expect(() => logScale([0, 100], [0, 1])).toThrow(RangeError);
  });
});

describe('niceTicks', () => {
  const cases: Array<[number, number]> = [
    [0, 1],
    [0.9512, 0.9874],
    [0.3, 0.7],
    [-3.2, 17.9],
    [0, 45],
    [123, 98_765],
    [0.00012, 0.00089],
  ];

  it.each(cases)('covers [%p, %p] with evenly spaced round numbers', (min, max) => {
    const ticks = niceTicks(min, max);
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks.length).toBeLessThanOrEqual(12);
    expect(ticks[0]).toBeLessThanOrEqual(min + 1e-12);
    expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max - 1e-12);
    const step = ticks[1] - ticks[0];
    expect(isRoundStep(step)).toBe(true);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBeCloseTo(step, 9);
    for (const tick of ticks) {
      // a whole multiple of the step, and printed without floating-point noise
      expect(Math.abs(tick / step - Math.round(tick / step))).toBeLessThan(1e-9);
      expect(String(tick).length).toBeLessThanOrEqual(9);
    }
  });

  it('prints 0.1 steps exactly, without floating-point noise', () => {
    expect(niceTicks(0, 0.5, 5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it('widens an empty interval around its value and gives nothing for non-finite input', () => {
    const ticks = niceTicks(0.98, 0.98);
    expect(ticks[0]).toBeLessThan(0.98);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(0.98);
    expect(niceTicks(0, Number.NaN)).toEqual([]);
  });

  it('chooses 1-2-5 steps', () => {
    expect(niceStep(1, 5)).toBeCloseTo(0.2, 12);
    expect(niceStep(45, 5)).toBe(10);
    expect(niceStep(0.036, 5)).toBeCloseTo(0.01, 12);
    expect(niceStep(13, 5)).toBeCloseTo(2, 12);
  });
});

describe('logTicks', () => {
  it('gives the powers of ten covering the interval, at least two', () => {
    expect(logTicks(3, 250)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(98.4, 3080.6)).toEqual([10, 100, 1000, 10_000]);
    expect(logTicks(100, 100)).toEqual([100, 1000]);
    expect(logTicks(0.02, 0.5)).toEqual([0.01, 0.1, 1]);
    expect(logTicks(0, 10)).toEqual([]);
  });
});

describe('decimalsForStep', () => {
  it('gives the decimals a step needs', () => {
    expect(decimalsForStep(10)).toBe(0);
    expect(decimalsForStep(1)).toBe(0);
    expect(decimalsForStep(0.5)).toBe(1);
    expect(decimalsForStep(0.05)).toBe(2);
  });
});
