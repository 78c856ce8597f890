import { assertNoTensorLeak, RandomStream, tf, type Tensor } from '@cristal/tensor';
import { diagonalGaussianKl } from './diagonal-gaussian-kl';
import { fisherTrustRegion, gaussianTrustRegion, interpolateGaussian, trustRegionScale } from './trust-region';

describe('trustRegionScale', () => {
  it('leaves steps inside the cap alone and scales larger ones by sqrt(maxKl / kl)', () => {
    expect(trustRegionScale(0, 0.1)).toBe(1);
    expect(trustRegionScale(0.1, 0.1)).toBe(1);
    expect(trustRegionScale(0.4, 0.1)).toBeCloseTo(0.5, 15);
    expect(() => trustRegionScale(1, 0)).toThrow('maxKl must be positive');
    expect(() => trustRegionScale(NaN, 1)).toThrow('must be >= 0');
  });
});

describe('fisherTrustRegion', () => {
  const s = new RandomStream(4, 'fisher-trust');
  const tensors = () => ({
    step: { w: s.normalTensor([3, 4], 0, 0.1), b: s.normalTensor([4], 0, 0.1) },
    fisher: { w: s.uniformTensor([3, 4], 0.5, 3), b: s.uniformTensor([4], 0.5, 3) },
  });
  const quadraticKl = (step: Record<string, Tensor>, fisher: Record<string, Tensor>) =>
    Object.keys(step).reduce((acc, n) => {
      const d = Array.from(step[n].dataSync());
      const f = fisher[n].dataSync();
      return acc + d.reduce((a, v, i) => a + 0.5 * f[i] * v * v, 0);
    }, 0);

  it('caps 0.5 sum F delta^2 exactly at the bound, along the same direction', () => {
    const { step, fisher } = tensors();
    const klBefore = quadraticKl(step, fisher);
    const maxKl = klBefore / 7;
    const out = fisherTrustRegion(step, fisher, maxKl);
    expect(out.klBefore).toBeCloseTo(klBefore, 6);
    expect(out.scale).toBeCloseTo(Math.sqrt(1 / 7), 6);
    expect(quadraticKl(out.step, fisher) / maxKl).toBeCloseTo(1, 5);
    expect(out.kl / maxKl).toBeCloseTo(1, 12);
    const before = step.w.dataSync();
    out.step.w.dataSync().forEach((v, i) => expect(v).toBeCloseTo(out.scale * before[i], 7));
    tf.dispose([step, fisher, out.step]);
  });

  it('leaves a step inside the cap unchanged, and does not leak', () => {
    const { step, fisher } = tensors();
    const out = fisherTrustRegion(step, fisher, 2 * quadraticKl(step, fisher));
    expect(out.scale).toBe(1);
    expect(out.step.b.dataSync()).toEqual(step.b.dataSync());
    tf.dispose(out.step);
    assertNoTensorLeak(() => tf.dispose(fisherTrustRegion(step, fisher, 1e-4).step), { iterations: 3 });
    expect(() => fisherTrustRegion(step, { w: fisher.w }, 1)).toThrow('no Fisher diagonal for "b"');
    tf.dispose([step, fisher]);
  });
});

describe('gaussianTrustRegion', () => {
  const s = new RandomStream(5, 'gaussian-trust');
  const gaussian = (n: number) => ({ mean: s.fillNormal(new Float64Array(n)), std: s.fillUniform(new Float64Array(n), 0.2, 2) });

  it('caps KL(q_nu || q_current) at the bound when the proposed step is too long', () => {
    const current = [gaussian(30), gaussian(5)];
    const proposed = [gaussian(30), gaussian(5)];
    const full = diagonalGaussianKl(proposed[0], current[0]) + diagonalGaussianKl(proposed[1], current[1]);
    for (const maxKl of [full / 2, full / 100, 1e-6]) {
      const out = gaussianTrustRegion(current, proposed, maxKl);
      expect(out.klBefore).toBeCloseTo(full, 10);
      expect(out.scale).toBeGreaterThan(0);
      expect(out.scale).toBeLessThan(1);
      // computed independently: the KL of the interpolated posterior
      const kl = current.reduce((acc, c, b) => acc + diagonalGaussianKl(interpolateGaussian(c, proposed[b], out.scale), c), 0);
      expect(kl).toBeLessThanOrEqual(maxKl);
      expect(kl / maxKl).toBeGreaterThan(1 - 1e-9);
      expect(out.kl / kl).toBeCloseTo(1, 9);
    }
  });

  it('leaves small steps unchanged and reduces to the quadratic rule when only the means move', () => {
    const current = [gaussian(10)];
    const near = [{ mean: current[0].mean.map((m) => m + 1e-3), std: current[0].std.map((sd) => sd * 1.001) }];
    const kl = diagonalGaussianKl(near[0], current[0]);
    const small = gaussianTrustRegion(current, near, 2 * kl);
    expect(small.scale).toBe(1);
    expect(small.kl / kl).toBeCloseTo(1, 12);
    const meanOnly = [{ mean: current[0].mean.map((m) => m + 0.5), std: current[0].std }];
    const full = diagonalGaussianKl(meanOnly[0], current[0]);
    expect(gaussianTrustRegion(current, meanOnly, full / 9).scale).toBeCloseTo(1 / 3, 9);
  });

  it('interpolates means and precisions linearly', () => {
    const out = interpolateGaussian({ mean: [0], std: [1] }, { mean: [2], std: [0.5] }, 0.5);
    expect(out.mean[0]).toBe(1);
    expect(out.std[0]).toBeCloseTo(1 / Math.sqrt((1 + 4) / 2), 15); // precision halfway between 1 and 4
  });
});
