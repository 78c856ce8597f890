import { tf, RandomStream } from '@cristal/tensor';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { DenseReparam } from '../layers/dense-reparam';
import { inverseSoftplus } from '../posterior/softplus';
import { klGaussianScalar } from '../kl/gaussian-kl';
import { scaleMixturePrior } from '../priors/scale-mixture-prior';
import { klReport } from './kl-report';

describe('per-layer KL report', () => {
  it('gives each layer its KL in nats and nats per parameter, and the totals', () => {
    const rng = new RandomStream(1, 'r');
    // all means 0 and all scales 0.1: every parameter has the same closed-form KL to N(0, 1)
    const uniform = (inputSize: number, units: number) => ({
      weight: { mu: tf.zeros([inputSize, units]), rho: tf.fill([inputSize, units], inverseSoftplus(0.1)) },
      bias: { mu: tf.zeros([units]), rho: tf.fill([units], inverseSoftplus(0.1)) },
    });
    const a = new DenseLocalReparam({ inputSize: 20, units: 10, rng, name: 'a', initial: uniform(20, 10) });
    const b = new DenseLocalReparam({ inputSize: 10, units: 3, rng, name: 'b', initial: uniform(10, 3) });
    const perParameter = klGaussianScalar({ mean: 0, std: 0.1 }, { mean: 0, std: 1 });
    const report = klReport([a, b]);
    expect(report.layers.map((l) => [l.layer, l.parameters])).toEqual([
      ['a', 210],
      ['b', 33],
    ]);
    for (const l of report.layers) {
      expect(l.natsPerParameter).toBeCloseTo(perParameter, 4);
      expect(l.nats).toBeCloseTo(perParameter * l.parameters, 2);
    }
    expect(report.total.parameters).toBe(243);
    expect(report.total.nats).toBeCloseTo(perParameter * 243, 2);
    expect(report.total.natsPerParameter).toBeCloseTo(perParameter, 4);
    a.dispose();
    b.dispose();
  });

  it('estimates by Monte Carlo for a prior without a closed form, given a stream', () => {
    const layer = new DenseReparam({ inputSize: 4, units: 2, rng: new RandomStream(2, 'r'), prior: scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0.01 }) });
    expect(() => klReport([layer])).toThrow(/random stream/);
    expect(Number.isFinite(klReport([layer], new RandomStream(3, 'kl')).total.nats)).toBe(true);
    layer.dispose();
  });
});
