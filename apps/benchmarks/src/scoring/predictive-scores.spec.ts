import { maxProbabilities, maxProbabilityAuroc, predictiveScores, rotationScore } from './predictive-scores';

/** Rows of 10 probabilities: `top` on class `k`, the rest spread evenly. */
function rows(spec: Array<[k: number, top: number]>): Float32Array {
  const out = new Float32Array(spec.length * 10);
  spec.forEach(([k, top], i) => {
    for (let c = 0; c < 10; c++) out[i * 10 + c] = c === k ? top : (1 - top) / 9;
  });
  return out;
}

describe('predictiveScores', () => {
  // four images, labels 0 1 2 3; the model says class 0 (0.9), 1 (0.6), 5 (0.7), 3 (1.0)
  const p = rows([
    [0, 0.9],
    [1, 0.6],
    [5, 0.7],
    [3, 1.0],
  ]);
  const labels = Uint8Array.from([0, 1, 2, 3]);
  const s = predictiveScores(p, labels);

  it('matches the definitions by hand', () => {
    expect(s.accuracy).toBe(0.75);
    // -log p(true): 0.9, 0.6, (1 - 0.7) / 9, 1 (clamped at 1e-12 inside nll, irrelevant here)
    expect(s.nll).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.3 / 9) + Math.log(1)) / 4, 6);
    // Brier summed over classes: (1 - 0.9)^2 + 9 (0.1/9)^2, ...
    const brier = (top: number, right: boolean) => (right ? (1 - top) ** 2 + 9 * ((1 - top) / 9) ** 2 : top ** 2 + (1 - (1 - top) / 9) ** 2 + 8 * ((1 - top) / 9) ** 2);
    expect(s.brier).toBeCloseTo((brier(0.9, true) + brier(0.6, true) + brier(0.7, false) + brier(1, true)) / 4, 6);
    // four singleton bins: |0.9 - 1| + |0.6 - 1| + |0.7 - 0| + |1 - 1|, each weighted 1/4
    expect(s.ece).toBeCloseTo((0.1 + 0.4 + 0.7 + 0) / 4, 6);
  });

  it('gives the bins ECE uses, whose counts add up to the images', () => {
    // 15 equal-width bins and, as torchmetrics does, one of its own for confidence exactly 1
    expect(s.reliability).toHaveLength(16);
    expect(s.reliability[15]).toMatchObject({ lower: 1, upper: 1, count: 1, accuracy: 1 });
    expect(s.reliability.reduce((n, b) => n + b.count, 0)).toBe(4);
    const ece = s.reliability.reduce((e, b) => e + (b.count / 4) * Math.abs(b.confidence - b.accuracy), 0);
    expect(ece).toBeCloseTo(s.ece, 12);
  });

  it('rotationScore carries the angle, accuracy and ECE', () => {
    expect(rotationScore(30, p, labels)).toEqual({ degrees: 30, accuracy: 0.75, ece: s.ece });
  });
});

describe('maxProbabilityAuroc', () => {
  it('is the Mann-Whitney probability that an in-distribution image is more confident', () => {
    const inside = rows([
      [0, 0.9],
      [1, 0.8],
    ]);
    const outside = rows([
      [2, 0.7],
      [3, 0.85],
    ]);
    expect(Array.from(maxProbabilities(inside), (v) => Math.round(v * 100) / 100)).toEqual([0.9, 0.8]);
    // pairs (in, out): 0.9 > 0.7, 0.9 > 0.85, 0.8 > 0.7, 0.8 < 0.85
    expect(maxProbabilityAuroc(inside, outside)).toBe(0.75);
    expect(maxProbabilityAuroc(outside, inside)).toBe(0.25);
  });
});
