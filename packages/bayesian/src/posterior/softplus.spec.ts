import { inverseSoftplus, softplus } from './softplus';

describe('softplus and its inverse', () => {
  it('softplus(-5) is about 0.0067, softplus(0) = log 2, and large rho passes through', () => {
    expect(softplus(-5)).toBeCloseTo(Math.log1p(Math.exp(-5)), 15);
    expect(softplus(-5)).toBeCloseTo(0.0067153, 6);
    expect(softplus(0)).toBe(Math.LN2);
    expect(softplus(800)).toBe(800);
  });

  it('inverseSoftplus inverts softplus from tiny to large scales', () => {
    for (const s of [1e-8, 0.0067, 0.5, 1, 20, 25, 700]) expect(Math.abs(softplus(inverseSoftplus(s)) - s) / s).toBeLessThan(1e-12);
    expect(() => inverseSoftplus(0)).toThrow(/positive/);
  });
});
