import { tf } from '@cristal/tensor';
import { softplus } from '../posterior/softplus';
import { mopedLayer, mopedPosterior } from './moped';

describe('MOPED initialisation', () => {
  it('sets mu = w and softplus(rho) = max(delta |w|, minStd)', () => {
    const w = [0.3, -0.02, 0, 1e-7, 250, -3];
    const { mu, rho } = mopedPosterior(tf.tensor1d(w), { delta: 0.1, minStd: 1e-5 });
    expect(Array.from(mu.dataSync())).toEqual(Array.from(Float32Array.from(w)));
    const r = Array.from(rho.dataSync());
    w.forEach((x, i) => {
      const sigma = Math.max(0.1 * Math.abs(x), 1e-5);
      expect(Math.abs(softplus(r[i]) - sigma) / sigma).toBeLessThan(2e-5);
    });
    tf.dispose([mu, rho]);
  });

  it('maps a trained layer to the initial posterior of a variational layer', () => {
    const init = mopedLayer({ kernel: tf.ones([3, 2]), bias: tf.zeros([2]) }, { delta: 0.2 });
    expect(init.weight.mu.shape).toEqual([3, 2]);
    expect(init.bias?.mu.shape).toEqual([2]);
    expect(softplus(init.weight.rho.dataSync()[0])).toBeCloseTo(0.2, 5);
    tf.dispose([init.weight.mu, init.weight.rho, init.bias?.mu, init.bias?.rho]);
  });

  it('rejects a non-positive delta', () => {
    expect(() => mopedPosterior(tf.ones([2]), { delta: 0 })).toThrow(/delta/);
  });
});
