import { RandomStream } from '@cristal/tensor';
import { auroc, averagePrecision, fprAtTpr } from './ranking';
import { oodDetection } from './ood-detection';

function bruteForceAuroc(pos: number[], neg: number[]): number {
  let s = 0;
  for (const a of pos) for (const b of neg) s += a > b ? 1 : a === b ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

describe('ranking metrics', () => {
  // scikit-learn's documented example: y_true [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8]
  it("match scikit-learn's documented AUROC (0.75) and average precision (0.8333)", () => {
    expect(auroc([0.35, 0.8], [0.1, 0.4])).toBe(0.75);
    expect(averagePrecision([0.35, 0.8], [0.1, 0.4])).toBeCloseTo(0.8333333333, 9);
  });

  it('handle ties with mid-ranks, as the pairwise definition says', () => {
    const s = new RandomStream(1, 'ties');
    const pos = Array.from({ length: 300 }, () => s.int(20));
    const neg = Array.from({ length: 200 }, () => s.int(15));
    expect(auroc(pos, neg)).toBeCloseTo(bruteForceAuroc(pos, neg), 12);
    expect(auroc([1, 1], [1, 1, 1])).toBe(0.5);
  });

  it('AUROC is 1 for a perfect score and tends to 1/2 for a random one', () => {
    expect(auroc([2, 3, 4], [0, 1])).toBe(1);
    const s = new RandomStream(2, 'random');
    const n = 1_000_000;
    const pos = new Float64Array(n / 2).map(() => s.uniform());
    const neg = new Float64Array(n / 2).map(() => s.uniform());
    expect(Math.abs(auroc(pos, neg) - 0.5)).toBeLessThan(0.003);
  });

  it('FPR at 95% TPR counts the negatives above the threshold that keeps 95% of positives', () => {
    const pos = Array.from({ length: 20 }, (_, i) => i + 10); // 10..29
    const neg = [0, 1, 2, 11, 12, 13, 100, 3, 4, 5];
    // the 95% threshold keeps 19 of 20 positives: scores >= 11; negatives 11, 12, 13 and 100 pass
    expect(fprAtTpr(pos, neg, 0.95)).toBeCloseTo(0.4, 12);
  });

  it('OOD detection uses the score direction it is told', () => {
    const inMaxProb = [0.99, 0.95, 0.9, 0.8];
    const outMaxProb = [0.5, 0.6, 0.85];
    const a = oodDetection(inMaxProb, outMaxProb, 'in');
    expect(a.auroc).toBeCloseTo(11 / 12, 12);
    const b = oodDetection(outMaxProb.map((p) => 1 - p), inMaxProb.map((p) => 1 - p), 'out');
    expect(b.auroc).toBeCloseTo(1 - 11 / 12, 12); // roles swapped on purpose: the score points the other way
    expect(a.auprIn).toBeGreaterThan(0.9);
    expect(() => oodDetection([1], [0], 'up' as 'in')).toThrow('higherIs must be "in" or "out"');
    expect(() => auroc([], [1])).toThrow('positiveScores: no samples');
  });
});
