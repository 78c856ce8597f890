import { tf, RandomStream } from '@cristal/tensor';
import { scaleMixturePrior } from '../priors/scale-mixture-prior';
import { DenseReparam } from './dense-reparam';
import { checkDenseLayerBasics, denseMomentZ, denseTestOptions } from './dense-layers.test-helpers';

describe('DenseReparam', () => {
  it('outputs have the exact mean x mu + mu_b, variance x^2 sigma^2 + sigma_b^2, and the batch shares one weight sample (4.5 standard errors, 3000 passes)', () => {
    const layer = new DenseReparam(denseTestOptions());
    // one W per pass: examples covary by sum_i x_0i x_1i sigma_ij^2 + sigma_b^2
    const z = denseMomentZ(layer);
    expect(z['weights and bias']).toBeLessThan(4.5);
    expect(z.none).toBeGreaterThan(10); // the test tells the batch structures apart
    layer.dispose();
  });

  it('mean pass, reproducibility, gradients, KL, no leaks, input check', () => {
    checkDenseLayerBasics(() => new DenseReparam(denseTestOptions()));
  });

  it('with a scale-mixture prior, returns the Monte-Carlo KL at its own weight sample', () => {
    const layer = new DenseReparam({ ...denseTestOptions(), prior: scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0.01 }) });
    tf.tidy(() => {
      const x = tf.ones([2, 5]);
      const a = layer.call(x, new RandomStream(1, 'k')).kl?.dataSync()[0];
      const b = layer.call(x, new RandomStream(2, 'k')).kl?.dataSync()[0];
      expect(Number.isFinite(a)).toBe(true);
      expect(a).not.toBe(b); // a sampled estimate
      expect(() => layer.kl()).toThrow(/random stream/);
    });
    layer.dispose();
  });
});
