import { constantKlWeight, cyclicalKlWeight, linearKlWarmup } from './kl-schedule';

describe('KL-weight schedules', () => {
  it('constant', () => {
    const s = constantKlWeight(0.3);
    expect([0, 1, 1000].map((t) => s.weight(t))).toEqual([0.3, 0.3, 0.3]);
    expect(constantKlWeight().weight(5)).toBe(1);
  });

  it('linear warm-up: start at 0, halfway at warmupSteps / 2, end from warmupSteps on', () => {
    const s = linearKlWarmup({ warmupSteps: 100 });
    expect(s.weight(0)).toBe(0);
    expect(s.weight(50)).toBeCloseTo(0.5, 15);
    expect(s.weight(99)).toBeCloseTo(0.99, 15);
    expect(s.weight(100)).toBe(1);
    expect(s.weight(5000)).toBe(1);
    const t = linearKlWarmup({ warmupSteps: 10, start: 0.2, end: 0.7 });
    expect(t.weight(0)).toBe(0.2);
    expect(t.weight(5)).toBeCloseTo(0.45, 15);
    expect([10, 11].map((k) => t.weight(k))).toEqual([0.7, 0.7]);
  });

  it('cyclical (Fu et al. 2019): each cycle rises from 0 to max over R of its length, then holds', () => {
    // T = 1000 steps, M = 4 cycles of 250, R = 0.5: rise over 125 steps, hold for 125
    const s = cyclicalKlWeight({ totalSteps: 1000, cycles: 4, rampFraction: 0.5 });
    expect(s.weight(0)).toBe(0);
    expect(s.weight(62)).toBeCloseTo(62 / 125, 12);
    expect(s.weight(125)).toBe(1);
    expect(s.weight(249)).toBe(1);
    expect(s.weight(250)).toBe(0); // the next cycle restarts
    expect(s.weight(250 + 100)).toBeCloseTo(0.8, 12);
    expect(s.weight(999)).toBe(1);
    const m = cyclicalKlWeight({ totalSteps: 100, cycles: 2, rampFraction: 1, max: 0.5 });
    expect(m.weight(25)).toBeCloseTo(0.25, 12);
    expect(m.weight(50)).toBe(0);
  });

  it('rejects bad arguments and steps', () => {
    expect(() => linearKlWarmup({ warmupSteps: 0 })).toThrow(/warmupSteps/);
    expect(() => cyclicalKlWeight({ totalSteps: 10, cycles: 20 })).toThrow(/cycles/);
    expect(() => cyclicalKlWeight({ totalSteps: 10, rampFraction: 0 })).toThrow(/rampFraction/);
    expect(() => constantKlWeight().weight(-1)).toThrow(/step/);
    expect(() => constantKlWeight().weight(1.5)).toThrow(/step/);
  });
});
