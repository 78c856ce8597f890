import { tf, RandomStreams, assertNoTensorLeak } from '@cristal/tensor';
import { modernEnergy } from './modern-energy';
import { dot, toMatrix } from '../reference.test-helpers';

describe('modernEnergy', () => {
  it('equals -lse(beta, X xi) + xi.xi/2 + log(N)/beta + M^2/2, computed in float64 from the definition', () => {
    const rng = new RandomStreams(1);
    const x = rng.data.normalTensor([7, 5]);
    const xi = rng.data.normalTensor([4, 5]);
    for (const beta of [0.3, 1, 5]) {
      const e = modernEnergy(x, xi, beta);
      expect(e.shape).toEqual([4]);
      const xs = toMatrix(x);
      const m2 = Math.max(...xs.map((r) => dot(r, r)));
      toMatrix(xi).forEach((q, b) => {
        const lse = Math.log(xs.reduce((s, r) => s + Math.exp(beta * dot(r, q)), 0)) / beta;
        const expected = -lse + dot(q, q) / 2 + Math.log(7) / beta + m2 / 2;
        expect(Math.abs(e.dataSync()[b] - expected)).toBeLessThan(1e-5 * (1 + Math.abs(expected)));
      });
      e.dispose();
    }
    tf.dispose([x, xi]);
  });

  it('is bounded below by (||xi|| - M)^2 / 2 >= 0 (so the constants make it non-negative)', () => {
    const rng = new RandomStreams(2);
    const x = rng.data.normalTensor([30, 8], 0, 2);
    const xi = rng.data.normalTensor([50, 8], 0, 3);
    const m = Math.sqrt(Math.max(...toMatrix(x).map((r) => dot(r, r))));
    for (const beta of [0.01, 1, 100]) {
      const e = modernEnergy(x, xi, beta).dataSync();
      toMatrix(xi).forEach((q, b) => expect(e[b]).toBeGreaterThanOrEqual((Math.sqrt(dot(q, q)) - m) ** 2 / 2 - 1e-4 * (1 + e[b])));
    }
    tf.dispose([x, xi]);
  });

  it('stays finite for large beta z (the lse is computed stably)', () => {
    const x = tf.tensor2d([
      [100, 0],
      [0, 100],
    ]);
    const xi = tf.tensor2d([[100, 0]]);
    // beta X xi = [1e4, 0]: exp would overflow; E = -1e4 + 5e3 + log(2) + 5e3 = log 2 up to exp(-1e4)
    const e = modernEnergy(x, xi, 1);
    expect(e.dataSync()[0]).toBeCloseTo(Math.log(2), 3);
    tf.dispose([x, xi, e]);
  });

  it('refuses a bad beta or mismatched shapes, and leaves no tensors behind', () => {
    const x = tf.ones([3, 4]);
    const xi = tf.ones([2, 4]);
    expect(() => modernEnergy(x, xi, 0)).toThrow('modernEnergy: beta (inverse temperature) must be a finite positive number, got 0.');
    expect(() => modernEnergy(x, xi, NaN)).toThrow('got NaN');
    const wrong = tf.ones([2, 5]);
    expect(() => modernEnergy(x, wrong, 1)).toThrow('modernEnergy: states must be [batch, 4] (one query per row, the patterns\' dimension), got shape [2, 5]. Reshape a single query to [1, 4].');
    assertNoTensorLeak(() => modernEnergy(x, xi, 2).dispose(), { label: 'modernEnergy' });
    tf.dispose([x, xi, wrong]);
  });
});
