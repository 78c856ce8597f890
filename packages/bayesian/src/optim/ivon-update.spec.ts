import { RandomStream } from '@cristal/tensor';
import { ivonHessianUpdate, ivonStd, ivonUpdate } from './ivon-update';

describe('ivonHessianUpdate', () => {
  it('keeps h + delta positive for any estimate: it equals (a^2 + (a + u)^2) / (2a)', () => {
    const s = new RandomStream(31, 'hess');
    for (let k = 0; k < 1000; k++) {
      const delta = Math.exp(s.normal(-3, 2));
      const h = Math.exp(s.normal(0, 2)) - 0.9 * delta; // h itself may be negative, h + delta not
      const hHat = s.normal(0, 1) * Math.exp(s.normal(0, 3)); // estimates of either sign, up to huge
      const beta2 = 1 - Math.exp(s.normal(-4, 2));
      const next = ivonHessianUpdate(h, hHat, beta2, delta);
      const a = h + delta;
      const u = (1 - beta2) * (hHat - h);
      expect(next + delta).toBeGreaterThan(0);
      expect((next + delta) / ((a * a + (a + u) * (a + u)) / (2 * a))).toBeCloseTo(1, 9);
    }
  });

  it('has every h as a fixed point when the estimate agrees with it', () => {
    expect(ivonHessianUpdate(2.5, 2.5, 0.999, 1e-3)).toBeCloseTo(2.5, 14);
  });
});

describe('ivonUpdate', () => {
  it('applies momentum, the curvature update and the preconditioned mean step in the order of Algorithm 1', () => {
    const buffers = { mean: Float64Array.of(1), hess: Float64Array.of(2), momentum: Float64Array.of(0) };
    ivonUpdate(buffers, [0.5], [3], { beta1: 0.9, beta2: 0.99, weightDecay: 0.1, stepSize: 0.01, clipRadius: Infinity, debias: 0.1 });
    // g = 0.1 * 0.5; h = 0.99 * 2 + 0.01 * 3 + 0.5 * 0.01^2 * (2 - 3)^2 / 2.1; m = 1 - 0.01 (g / 0.1 + 0.1 * 1) / (h + 0.1)
    const h = 1.98 + 0.03 + 0.00005 / 2.1;
    expect(buffers.momentum[0]).toBeCloseTo(0.05, 15);
    expect(buffers.hess[0]).toBeCloseTo(h, 14);
    expect(buffers.mean[0]).toBeCloseTo(1 - (0.01 * 0.6) / (h + 0.1), 14);
  });

  it('clips each coordinate of the preconditioned step at the radius', () => {
    const buffers = { mean: Float64Array.of(0, 0), hess: Float64Array.of(1, 1), momentum: Float64Array.of(0, 0) };
    ivonUpdate(buffers, [100, -0.01], [1, 1], { beta1: 0, beta2: 0.5, weightDecay: 1, stepSize: 0.1, clipRadius: 0.5, debias: 1 });
    // unclipped steps: 100 / 2 = 50 -> 0.5, and -0.01 / 2 = -0.005 (inside)
    expect(buffers.mean[0]).toBeCloseTo(-0.05, 15);
    expect(buffers.mean[1]).toBeCloseTo(0.0005, 15);
  });

  it('gives the posterior std 1 / sqrt(ess (h + delta))', () => {
    expect(Array.from(ivonStd([1, 3], 100, 0.25))).toEqual([1 / Math.sqrt(125), 1 / Math.sqrt(325)]);
  });
});
