import { RandomStream } from '@cristal/tensor';
import { diagonalGaussianKl } from './diagonal-gaussian-kl';

const p = { mean: [0, 1], std: [1, 2] };
const q = { mean: [1, 1], std: [2, 1] };

describe('diagonalGaussianKl', () => {
  it('is exactly 0 from a Gaussian to itself', () => {
    const s = new RandomStream(1, 'kl-self');
    const g = { mean: s.fillNormal(new Float64Array(50)), std: s.fillUniform(new Float64Array(50), 0.01, 5) };
    expect(diagonalGaussianKl(g, g)).toBe(0);
  });

  it('matches a case computed by hand, in both directions', () => {
    // KL(p||q): [ln 2 + (1 + 1)/8 - 1/2] + [ln(1/2) + (4 + 0)/2 - 1/2] = 0.25 + 1.5 = 1.25 (the logs cancel)
    expect(diagonalGaussianKl(p, q)).toBeCloseTo(1.25, 14);
    // KL(q||p): [ln(1/2) + (4 + 1)/2 - 1/2] + [ln 2 + 1/8 - 1/2] = 2 + 0.125 - 0.5 = 1.625: KL is not symmetric
    expect(diagonalGaussianKl(q, p)).toBeCloseTo(1.625, 14);
  });

  it('keeps its precision for nearby Gaussians, where the textbook form cancels', () => {
    // s_p = s_q (1 + d): KL = -ln(1 + d) + ((1 + d)^2 - 1) / 2 = d^2 - d^3/3 + d^4/4 - ...
    const d = 1e-6;
    const kl = diagonalGaussianKl({ mean: [3], std: [2 * (1 + d)] }, { mean: [3], std: [2] });
    expect(Math.abs(kl - (d * d - d ** 3 / 3)) / (d * d)).toBeLessThan(1e-8);
    // a pure mean shift: dm^2 / (2 s^2)
    expect(diagonalGaussianKl({ mean: [1e-7], std: [0.5] }, { mean: [0], std: [0.5] })).toBeCloseTo(2e-14, 25);
  });

  it('rejects mismatched sizes and non-positive standard deviations', () => {
    expect(() => diagonalGaussianKl({ mean: [0], std: [1] }, q)).toThrow('1 and 2 dimensions');
    expect(() => diagonalGaussianKl({ mean: [0, 0], std: [1, 0] }, q)).toThrow('std[1] = 0');
    expect(() => diagonalGaussianKl(p, { mean: [0, NaN], std: [1, 1] })).toThrow('mean[1] = NaN');
  });
});
