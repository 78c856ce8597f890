import { RandomStream } from '@cristal/tensor';
import { loadAddon } from './addon';
import { fillStandardNormal, standardNormalPairsJs } from './standard-normal';

const { abs, exp, max, sqrt } = Math;

/** Phi(x) through erfc (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7). */
function normalCdf(x: number): number {
  const z = abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

describe('standard-normal noise from a RandomStream', () => {
  it('native and JavaScript give the same bits, and the stream advances as fillNormal would', () => {
    if (!loadAddon().addon) throw new Error('the native addon did not load; run npm run build:native');
    for (const n of [100001, 20000, 3]) {
      const stream = new RandomStream(12, 'noise');
      const reference = new RandomStream(12, 'noise');
      const words = new RandomStream(12, 'noise');
      const native = fillStandardNormal(stream, new Float32Array(n));
      const draws = new Uint32Array(2 * Math.ceil(n / 2));
      for (let i = 0; i < draws.length; i++) draws[i] = words.uint32();
      const js = new Float32Array(n);
      standardNormalPairsJs(draws, js);
      expect(Buffer.from(native.buffer).equals(Buffer.from(js.buffer))).toBe(true);
      reference.fillNormal(new Float32Array(n));
      expect(stream.getState()).toEqual(reference.getState());
    }
  });

  it('is N(0, 1): moments within 4.5 standard errors, Kolmogorov-Smirnov at the 1% level, pairs uncorrelated', () => {
    const n = 200000;
    const z = fillStandardNormal(new RandomStream(13, 'noise'), new Float32Array(n));
    let s1 = 0;
    let s2 = 0;
    let s4 = 0;
    let cross = 0;
    for (let i = 0; i < n; i++) {
      s1 += z[i];
      s2 += z[i] * z[i];
      s4 += z[i] ** 4;
      if (i % 2 === 0) cross += z[i] * z[i + 1];
    }
    expect(abs(s1 / n)).toBeLessThan(4.5 / sqrt(n));
    expect(abs(s2 / n - 1)).toBeLessThan(4.5 * sqrt(2 / n));
    expect(abs(s4 / n - 3)).toBeLessThan(4.5 * sqrt(96 / n)); // Var(z^4) = 105 - 9
    expect(abs(cross / (n / 2))).toBeLessThan(4.5 / sqrt(n / 2));
    const sorted = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const F = normalCdf(sorted[i]);
      d = max(d, abs(F - i / n), abs((i + 1) / n - F));
    }
    expect(d).toBeLessThan(1.63 / sqrt(n));
  });
});
