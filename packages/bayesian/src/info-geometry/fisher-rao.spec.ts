import { RandomStream } from '@cristal/tensor';
import { fisherRaoDistance, fisherRaoUnivariate } from './fisher-rao';

const d1 = fisherRaoUnivariate;

describe('fisherRaoUnivariate', () => {
  const s = new RandomStream(3, 'fisher-rao');
  const draw = () => [s.normal(0, 3), Math.exp(s.normal(0, 1))] as const;

  it('is symmetric, zero exactly on equal arguments and positive otherwise', () => {
    for (let k = 0; k < 200; k++) {
      const [m1, s1] = draw();
      const [m2, s2] = draw();
      expect(d1(m1, s1, m2, s2)).toBeCloseTo(d1(m2, s2, m1, s1), 12);
      expect(d1(m1, s1, m1, s1)).toBe(0);
      expect(d1(m1, s1, m2, s2)).toBeGreaterThan(0);
    }
    expect(d1(0, 1, 1e-12, 1)).toBeGreaterThan(0);
    expect(d1(0, 1, 0, 1 + 1e-12)).toBeGreaterThan(0);
  });

  it('is a metric: the triangle inequality holds', () => {
    for (let k = 0; k < 200; k++) {
      const [a, b, c] = [draw(), draw(), draw()];
      expect(d1(...a, ...c)).toBeLessThanOrEqual(d1(...a, ...b) + d1(...b, ...c) + 1e-12);
    }
  });

  it('matches the closed form of a pure mean shift: 2 sqrt(2) artanh(|dm| / sqrt(dm^2 + 8 s^2))', () => {
    for (const [dm, sd] of [[0.1, 1], [1, 1], [-3, 0.5], [10, 2], [1e-6, 1]]) {
      const expected = 2 * Math.SQRT2 * Math.atanh(Math.abs(dm) / Math.sqrt(dm * dm + 8 * sd * sd));
      expect(d1(5, sd, 5 + dm, sd) / expected).toBeCloseTo(1, 9);
    }
  });

  it('matches the closed form of a pure scale change: sqrt(2) |ln(s1 / s2)|', () => {
    for (const [a, b] of [[1, 2], [2, 1], [0.01, 100], [3, 3.0001]]) {
      expect(d1(-1, a, -1, b) / (Math.SQRT2 * Math.abs(Math.log(a / b)))).toBeCloseTo(1, 9);
    }
  });

  it('agrees with the Fisher metric (dm^2 + 2 ds^2) / s^2 for small displacements', () => {
    const [m, sd] = [0.3, 1.7];
    const [dm, ds] = [2e-5, -1e-5];
    const local = Math.sqrt((dm * dm + 2 * ds * ds) / (sd * sd));
    expect(d1(m, sd, m + dm, sd + ds) / local).toBeCloseTo(1, 4);
  });

  it('stays finite and accurate for very distant Gaussians', () => {
    // d = 2 sqrt(2) ln((sqrt(A) + sqrt(B)) / sqrt(8 s1 s2)) has no cancellation there
    const [m1, s1, m2, s2] = [0, 1e-3, 1e6, 2e-3];
    const a = (m1 - m2) ** 2 + 2 * (s1 - s2) ** 2;
    const b = (m1 - m2) ** 2 + 2 * (s1 + s2) ** 2;
    const expected = 2 * Math.SQRT2 * Math.log((Math.sqrt(a) + Math.sqrt(b)) / Math.sqrt(8 * s1 * s2));
    expect(d1(m1, s1, m2, s2) / expected).toBeCloseTo(1, 12);
    expect(() => d1(0, 0, 0, 1)).toThrow('positive and finite');
  });
});

describe('fisherRaoDistance', () => {
  it('combines dimensions as the root sum of squares (the product-manifold distance)', () => {
    const p = { mean: [0, 1, 2], std: [1, 1, 0.5] };
    const q = { mean: [1, 1, 2], std: [1, 3, 0.25] };
    const parts = [0, 1, 2].map((i) => d1(p.mean[i], p.std[i], q.mean[i], q.std[i]));
    expect(fisherRaoDistance(p, q)).toBeCloseTo(Math.hypot(...parts), 12);
    expect(fisherRaoDistance(p, q)).toBeCloseTo(fisherRaoDistance(q, p), 12);
    expect(fisherRaoDistance(p, p)).toBe(0);
    // dimensions where the Gaussians agree add nothing
    expect(fisherRaoDistance({ mean: [0, 7], std: [1, 2] }, { mean: [1, 7], std: [1, 2] })).toBeCloseTo(d1(0, 1, 1, 1), 12);
  });
});
