import { tf, assertNoTensorLeak, RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { klGaussian } from '../kl/gaussian-kl';
import { inverseSoftplus } from '../posterior/softplus';
import { gaussianPrior } from '../priors/gaussian-prior';
import { meanFieldGaussian } from './mean-field-gaussian';

const shape = [37, 23];

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('meanFieldGaussian (the fused TF.js kernel)', () => {
  it.each([
    ['std', 0, 1],
    ['variance', 0, 1],
    ['std', 0.3, 0.5],
    ['variance', 'per weight', 2],
  ] as const)('matches the composed TF.js formula and its gradients (scale %s, prior mean %s, prior std %s)', (scale, priorMeanKind, priorStd) => {
    tf.tidy(() => {
      const s = new RandomStream(11, 'mfg');
      const mu = s.normalTensor(shape, 0, 0.3);
      const rho = s.normalTensor(shape, -3, 2);
      const priorMean = priorMeanKind === 'per weight' ? s.normalTensor(shape, 0, 0.2) : priorMeanKind;
      const prior = gaussianPrior({ mean: priorMean, std: priorStd });
      // weights for every output so each gradient path is exercised
      const wMean = s.normalTensor(shape);
      const wScale = s.normalTensor(shape);
      const fused = (m: Tensor, r: Tensor) => {
        const t = meanFieldGaussian(m, r, prior, scale);
        const sc = 'std' in t ? t.std : t.variance;
        return tf.addN([tf.sum(tf.mul(t.mean, wMean)), tf.sum(tf.mul(sc, wScale)), tf.mul(t.kl, 0.37)]) as Scalar;
      };
      const composed = (m: Tensor, r: Tensor) => {
        const sigma = tf.softplus(r);
        const sc = scale === 'std' ? sigma : tf.square(sigma);
        const kl = klGaussian({ mean: m, std: sigma }, { mean: priorMean, std: priorStd });
        return tf.addN([tf.sum(tf.mul(m, wMean)), tf.sum(tf.mul(sc, wScale)), tf.mul(kl, 0.37)]) as Scalar;
      };
      const a = tf.valueAndGrads(fused)([mu, rho]);
      const b = tf.valueAndGrads(composed)([mu, rho]);
      const value = b.value.dataSync()[0];
      expect(Math.abs(a.value.dataSync()[0] - value)).toBeLessThan(2e-6 * Math.abs(value) + 1e-4);
      for (let i = 0; i < 2; i++) {
        const size = tf.max(tf.abs(b.grads[i])).dataSync()[0];
        expect(maxAbsDiff(a.grads[i], b.grads[i]) / size).toBeLessThan(2e-6);
      }
      const terms = meanFieldGaussian(mu, rho, prior, scale);
      expect(maxAbsDiff(terms.mean, mu)).toBe(0);
    });
  });

  it('gives sigma = softplus(rho) in the field named std and sigma^2 in the field named variance', () => {
    tf.tidy(() => {
      const rho = tf.tensor1d([-5, 0, 2]);
      const mu = tf.zeros([3]);
      const prior = gaussianPrior({ std: 1 });
      const std = meanFieldGaussian(mu, rho, prior, 'std').std.arraySync() as number[];
      const variance = meanFieldGaussian(mu, rho, prior, 'variance').variance.arraySync() as number[];
      [-5, 0, 2].forEach((r, i) => {
        const sigma = Math.log1p(Math.exp(r));
        expect(std[i]).toBeCloseTo(sigma, 6);
        expect(variance[i]).toBeCloseTo(sigma * sigma, 6);
      });
    });
  });

  it('the KL of the prior to itself is 0 and grows when the posterior moves away', () => {
    tf.tidy(() => {
      const prior = gaussianPrior({ mean: 0.25, std: 0.3 });
      const rho = tf.fill([1000], inverseSoftplus(0.3));
      const kl = (mu: number) => meanFieldGaussian(tf.fill([1000], mu), rho, prior, 'std').kl.dataSync()[0];
      expect(Math.abs(kl(0.25))).toBeLessThan(1e-3); // float32 rounding of 1000 terms of size ~1
      // (0.1 / 0.3)^2 / 2 nats per weight
      expect(kl(0.35)).toBeCloseTo(1000 * (0.1 / 0.3) ** 2 / 2, 1);
    });
  });

  it('rejects mismatched shapes, a prior mean of the wrong shape and an unknown scale', () => {
    tf.tidy(() => {
      const prior = gaussianPrior({ std: 1 });
      expect(() => meanFieldGaussian(tf.zeros([3]), tf.zeros([4]), prior, 'std')).toThrow(/same shape/);
      expect(() => meanFieldGaussian(tf.zeros([3]), tf.zeros([3]), gaussianPrior({ mean: tf.zeros([2]), std: 1 }), 'std')).toThrow(/prior mean/);
      expect(() => meanFieldGaussian(tf.zeros([3]), tf.zeros([3]), prior, 'sigma' as 'std')).toThrow(/"std" or "variance"/);
    });
  });

  it('leaks no tensors forward and backward', () => {
    const mu = tf.variable(tf.zeros([50, 20]));
    const rho = tf.variable(tf.fill([50, 20], -5));
    const prior = gaussianPrior({ std: 1 });
    assertNoTensorLeak(
      () => {
        const { value, grads } = tf.variableGrads(() => {
          const t = meanFieldGaussian(mu, rho, prior, 'variance');
          return tf.add(tf.sum(t.variance), t.kl) as Scalar;
        }, [mu, rho]);
        tf.dispose([value, ...Object.values(grads)]);
      },
      { iterations: 5, label: 'meanFieldGaussian' },
    );
    tf.dispose([mu, rho]);
  });
});
