import { RandomStream } from '@cristal/tensor';
import { addCategoricalCounts, fillExponential, sampleBinomial } from './count-samplers';
import { binomialPmf, chiSquare, chiSquareCritical999 } from './spiking.test-helpers';

function histogram(n: number, p: number, draws: number, stream: RandomStream): number[] {
  const h = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < draws; i++) h[sampleBinomial(n, p, stream)]++;
  return h;
}

describe('sampleBinomial', () => {
  it.each([
    [20, 0.3],
    [15, 0.8], // p > 1/2: samples the failures
    [40, 0.02],
  ])('matches the Binomial(%i, %f) pmf (chi-square at 0.999)', (n, p) => {
    const draws = 20000;
    const observed = histogram(n, p, draws, new RandomStream(11, 'binomial'));
    const { statistic, dof } = chiSquare(
      observed,
      binomialPmf(n, p).map((q) => q * draws),
    );
    expect(statistic).toBeLessThan(chiSquareCritical999(dof));
  });

  it('joins chunks of 512 trials exactly: mean n p and variance n p (1 - p) for n = 1500', () => {
    const stream = new RandomStream(3, 'binomial-chunks');
    const n = 1500;
    const p = 0.45;
    const draws = 4000;
    const xs = Array.from({ length: draws }, () => sampleBinomial(n, p, stream));
    const m = xs.reduce((a, b) => a + b, 0) / draws;
    const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (draws - 1);
    const variance = n * p * (1 - p);
    expect(Math.abs(m - n * p)).toBeLessThan(4 * Math.sqrt(variance / draws));
    expect(Math.abs(v / variance - 1)).toBeLessThan(4 * Math.sqrt(2 / (draws - 1)));
  });

  it('gives 0 and n at the ends and rejects bad arguments', () => {
    const stream = new RandomStream(1, 'b');
    expect(sampleBinomial(30, 0, stream)).toBe(0);
    expect(sampleBinomial(30, 1, stream)).toBe(30);
    expect(sampleBinomial(0, 0.4, stream)).toBe(0);
    expect(() => sampleBinomial(2.5, 0.5, stream)).toThrow(/non-negative integer/);
    expect(() => sampleBinomial(3, 1.5, stream)).toThrow(/\[0, 1\]/);
    expect(() => sampleBinomial(3, Number.NaN, stream)).toThrow(/\[0, 1\]/);
  });
});

describe('addCategoricalCounts', () => {
  it('draws index i with probability w_i / sum w (chi-square at 0.999), never a zero weight, exactly `draws` times', () => {
    const weights = [1, 0, 2, 3, 4, 0];
    const draws = 40000;
    const counts = new Float32Array(weights.length + 2);
    addCategoricalCounts(weights, draws, new RandomStream(5, 'categorical'), counts, 1);
    expect(counts[0]).toBe(0);
    expect(counts[7]).toBe(0);
    const observed = Array.from(counts.subarray(1, 7));
    expect(observed[1]).toBe(0);
    expect(observed[5]).toBe(0);
    expect(observed.reduce((a, b) => a + b, 0)).toBe(draws);
    const nonzero = [0, 2, 3, 4];
    const { statistic, dof } = chiSquare(
      nonzero.map((k) => observed[k]),
      nonzero.map((k) => (weights[k] / 10) * draws),
    );
    expect(statistic).toBeLessThan(chiSquareCritical999(Math.max(dof, 3)));
  });

  it('rejects weights without a positive total', () => {
    expect(() => addCategoricalCounts([0, 0], 3, new RandomStream(1, 'c'), new Float32Array(2))).toThrow(/positive finite total/);
  });
});

describe('fillExponential', () => {
  it('gives finite positive Exp(1) draws: mean 1, variance 1', () => {
    const n = 200000;
    const x = fillExponential(new Float32Array(n), new RandomStream(9, 'exp'));
    let m = 0;
    let bad = 0;
    for (const v of x) {
      if (!(v > 0 && Number.isFinite(v))) bad++;
      m += v;
    }
    m /= n;
    expect(bad).toBe(0);
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    expect(Math.abs(m - 1)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s / (n - 1) - 1)).toBeLessThan(4 * Math.sqrt(8 / n)); // Var of the sample variance of Exp(1) ~ 8 / n
  });
});
