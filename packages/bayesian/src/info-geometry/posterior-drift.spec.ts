import { fisherRaoDistance } from './fisher-rao';
import { diagonalGaussianKl } from './diagonal-gaussian-kl';
import { posteriorDrift } from './posterior-drift';

describe('posteriorDrift', () => {
  const before = { w: { mean: [0, 1], std: [1, 2] }, b: { mean: [0.5], std: [0.1] } };
  const after = { w: { mean: [0.1, 1], std: [0.9, 2] }, b: { mean: [0.4], std: [0.2] } };

  it('adds KLs and adds Fisher-Rao distances in quadrature over variables', () => {
    const drift = posteriorDrift(before, after);
    expect(drift.perVariable.w.kl).toBeCloseTo(diagonalGaussianKl(after.w, before.w), 14);
    expect(drift.perVariable.b.fisherRao).toBeCloseTo(fisherRaoDistance(after.b, before.b), 14);
    expect(drift.kl).toBeCloseTo(diagonalGaussianKl(after.w, before.w) + diagonalGaussianKl(after.b, before.b), 14);
    // the same as treating all parameters as one diagonal Gaussian
    const all = (r: typeof before) => ({ mean: [...r.w.mean, ...r.b.mean], std: [...r.w.std, ...r.b.std] });
    expect(drift.fisherRao).toBeCloseTo(fisherRaoDistance(all(after), all(before)), 14);
    expect(posteriorDrift(before, before)).toEqual({ kl: 0, fisherRao: 0, perVariable: { w: { kl: 0, fisherRao: 0 }, b: { kl: 0, fisherRao: 0 } } });
  });

  it('requires the same variables', () => {
    expect(() => posteriorDrift(before, { w: after.w })).toThrow('"b" is in the first posterior only');
    expect(() => posteriorDrift({ w: before.w }, after)).toThrow('"b" is in the second posterior only');
  });
});
