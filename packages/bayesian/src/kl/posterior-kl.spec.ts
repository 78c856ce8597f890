import { tf, RandomStream } from '@cristal/tensor';
import { createMeanFieldPosterior } from '../posterior/mean-field';
import { gaussianPrior } from '../priors/gaussian-prior';
import { scaleMixturePrior } from '../priors/scale-mixture-prior';
import { klGaussian } from './gaussian-kl';
import { posteriorKl } from './posterior-kl';

describe('posteriorKl', () => {
  const p = createMeanFieldPosterior({ shape: [40, 30], fanIn: 40, fanOut: 30, rhoInit: -2, rng: new RandomStream(1, 'init'), name: 'w' });
  afterAll(() => tf.dispose([p.mu, p.rho]));

  it('is the closed form for a Gaussian prior', () => {
    tf.tidy(() => {
      const prior = gaussianPrior({ mean: 0.1, std: 0.5 });
      const expected = klGaussian({ mean: p.mu, std: tf.softplus(p.rho) }, { mean: 0.1, std: 0.5 }).dataSync()[0];
      expect(posteriorKl(p, prior).dataSync()[0]).toBeCloseTo(expected, 1);
    });
  });

  it('is a seeded Monte-Carlo estimate for the scale mixture, and needs a stream for it', () => {
    const prior = scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0.01 });
    tf.tidy(() => {
      const a = posteriorKl(p, prior, new RandomStream(2, 'kl')).dataSync()[0];
      const b = posteriorKl(p, prior, new RandomStream(2, 'kl')).dataSync()[0];
      const c = posteriorKl(p, prior, new RandomStream(3, 'kl')).dataSync()[0];
      expect(a).toBe(b);
      expect(a).not.toBe(c);
      expect(() => posteriorKl(p, prior)).toThrow(/random stream/);
    });
  });
});
