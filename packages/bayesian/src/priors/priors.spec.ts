import { tf } from '@cristal/tensor';
import { gaussianLogDensity, gaussianPrior } from './gaussian-prior';
import { priorLogDensity, hasClosedFormKl } from './prior';
import { scaleMixtureLogDensity, scaleMixturePrior } from './scale-mixture-prior';

const { exp, log, PI } = Math;
const normalPdf = (w: number, s: number) => exp(-0.5 * (w / s) ** 2) / (s * Math.sqrt(2 * PI));

describe('priors', () => {
  it('a Gaussian prior stores the standard deviation, whether given std or variance', () => {
    expect(gaussianPrior({ std: 0.5 }).std).toBe(0.5);
    expect(gaussianPrior({ variance: 0.25 }).std).toBe(0.5);
    expect(gaussianPrior({ std: 1 }).mean).toBe(0);
    expect(() => gaussianPrior({ std: 0 })).toThrow(/positive/);
    expect(() => gaussianPrior({ variance: -1 })).toThrow(/positive/);
    expect(() => gaussianPrior({ std: 1, variance: 1 } as never)).toThrow(/not both/);
  });

  it('Gaussian log density equals log N(w; m, s^2)', () => {
    const values = tf.tidy(() => gaussianLogDensity(tf.tensor1d([-1, 0.3, 2]), 0.5, 0.7).arraySync() as number[]);
    [-1, 0.3, 2].forEach((w, i) => expect(values[i]).toBeCloseTo(log(normalPdf(w - 0.5, 0.7)), 5));
  });

  it('scale-mixture log density equals log(pi N(w; 0, s1^2) + (1 - pi) N(w; 0, s2^2)) and stays finite where one component underflows', () => {
    const prior = scaleMixturePrior({ pi: 0.25, std1: 1, std2: exp(-6) });
    const w = [-0.5, -0.001, 0, 0.003, 0.2, 5];
    const values = tf.tidy(() => scaleMixtureLogDensity(tf.tensor1d(w), prior).arraySync() as number[]);
    w.forEach((x, i) => expect(values[i]).toBeCloseTo(log(0.25 * normalPdf(x, 1) + 0.75 * normalPdf(x, exp(-6))), 4));
    // at w = 5 the narrow component is exp(-3e8): the result is the wide one's log density
    expect(values[5]).toBeCloseTo(log(0.25) + log(normalPdf(5, 1)), 4);
    const far = tf.tidy(() => scaleMixtureLogDensity(tf.tensor1d([40]), prior).dataSync()[0]);
    expect(Number.isFinite(far)).toBe(true);
  });

  it('rejects mixture parameters out of range', () => {
    expect(() => scaleMixturePrior({ pi: 1, std1: 1, std2: 0.1 })).toThrow(/pi/);
    expect(() => scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0 })).toThrow(/std2/);
  });

  it('dispatches by kind and knows which priors have a closed-form KL', () => {
    const g = gaussianPrior({ std: 2 });
    const m = scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0.01 });
    expect(hasClosedFormKl(g)).toBe(true);
    expect(hasClosedFormKl(m)).toBe(false);
    tf.tidy(() => {
      expect(priorLogDensity(g, tf.scalar(1)).dataSync()[0]).toBeCloseTo(log(normalPdf(1, 2)), 5);
      expect(priorLogDensity(m, tf.scalar(0.5)).dataSync()[0]).toBeCloseTo(log(0.5 * normalPdf(0.5, 1) + 0.5 * normalPdf(0.5, 0.01)), 5);
    });
  });
});
