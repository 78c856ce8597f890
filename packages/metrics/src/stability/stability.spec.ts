import { aggregateSeeds, gradientNormVariance, lossSpikes, studentT975 } from './stability';

describe('training stability', () => {
  it('counts the steps whose loss exceeds k times the running median, and every non-finite loss', () => {
    const losses = Array.from({ length: 40 }, (_, t) => 1 / (1 + t / 20));
    losses[25] = 5; // spike
    losses[30] = 0.9; // the running median is ~0.51: 0.9 is high but below 2x
    losses[35] = NaN;
    const r = lossSpikes(losses, { factor: 2, window: 20, warmup: 10 });
    expect(r.steps).toEqual([25, 35]);
    expect(lossSpikes([1, 1, 1, 9], { warmup: 10 }).count).toBe(0); // too early to judge
  });

  it('gradient-norm variance is the unbiased sample variance', () => {
    expect(gradientNormVariance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12);
  });

  it('aggregates seeds with a Student-t 95% interval', () => {
    const a = aggregateSeeds([1, 2, 3]);
    expect(a.mean).toBe(2);
    expect(a.std).toBe(1);
    expect(a.ci95[1] - 2).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 9);
    expect(studentT975(100)).toBeCloseTo(1.984, 3);
    expect(() => aggregateSeeds([0.9, NaN])).toThrow('values[1] = NaN: a diverged run must be reported, not averaged.');
  });
});
