import { tf, assertNoTensorLeak, RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { inverseSoftplus } from '../posterior/softplus';
import { gaussianPrior } from '../priors/gaussian-prior';
import { requestedKernel } from './addon';
import { denseLocalReparamFused, denseLocalReparamFusedAvailable } from './dense-local-reparam-kernel';

function maxRelDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]));
}

/** Two layers with the same posterior: one fused, one composed of meanFieldGaussian, matMul and localReparamOutput. */
function pair(inputSize: number, units: number, priorMean: number, activation: 'relu' | 'identity' = 'identity') {
  const s = new RandomStream(41, 'fused');
  const initial = {
    weight: { mu: s.normalTensor([inputSize, units], 0, 0.3), rho: tf.add(s.uniformTensor([inputSize, units], -2, 0), inverseSoftplus(0.05)) },
    bias: { mu: s.normalTensor([units], 0, 0.3), rho: s.uniformTensor([units], -4, -1) },
  };
  const prior = gaussianPrior({ mean: priorMean, std: 0.8 });
  const make = (fused: boolean) => new DenseLocalReparam({ inputSize, units, rng: s, initial, prior, fused, activation });
  const layers = { fused: make(true), composed: make(false) };
  tf.dispose([initial.weight.mu, initial.weight.rho, initial.bias.mu, initial.bias.rho]);
  return layers;
}

describe('the fused dense local-reparameterisation kernel', () => {
  it('is used by DenseLocalReparam when the addon is built (not with CRISTAL_BAYESIAN_KERNEL=js)', () => {
    const wanted = requestedKernel() === 'native';
    if (wanted && !denseLocalReparamFusedAvailable()) throw new Error('the native addon did not load; run npm run build:native');
    const { fused, composed } = pair(3, 2, 0);
    expect(fused.fused).toBe(wanted);
    expect(composed.fused).toBe(false);
    fused.dispose();
    composed.dispose();
  });

  it.each([
    [37, 29, 5, 0, 'identity'],
    [100, 70, 33, 0.1, 'relu'],
    [300, 200, 40, 0, 'relu'], // enough work for the threaded matrix products
  ] as const)('matches the composed path: output, KL and every gradient, input included (K %i, N %i, B %i, prior mean %f, %s)', (K, N, B, priorMean, activation) => {
    const { fused, composed } = pair(K, N, priorMean, activation);
    tf.tidy(() => {
      const x = new RandomStream(42, 'x').normalTensor([B, K]);
      const w = new RandomStream(43, 'w').normalTensor([B, N]);
      const run = (layer: DenseLocalReparam) => {
        const rng = new RandomStream(44, 'noise'); // the same noise for both
        const f = (input: Tensor) => {
          const out = layer.call(input, rng);
          return tf.add(tf.sum(tf.mul(out.output, w)), tf.mul(out.kl as Scalar, 0.01)) as Scalar;
        };
        const forward = layer.call(x, new RandomStream(44, 'noise'));
        const { value, grads } = tf.variableGrads(() => f(x), layer.variables());
        const dx = tf.grad(f)(x);
        return { y: forward.output, kl: forward.kl as Scalar, value, grads: layer.variables().map((v) => grads[v.name]), dx };
      };
      const a = run(fused);
      const b = run(composed);
      expect(maxRelDiff(a.y, b.y)).toBeLessThan(2e-6);
      expect(Math.abs(a.kl.dataSync()[0] - b.kl.dataSync()[0]) / Math.abs(b.kl.dataSync()[0])).toBeLessThan(1e-6);
      a.grads.forEach((g, i) => expect(maxRelDiff(g, b.grads[i])).toBeLessThan(1e-5));
      expect(maxRelDiff(a.dx, b.dx)).toBeLessThan(1e-5);
    });
    fused.dispose();
    composed.dispose();
  });

  it('rejects inconsistent shapes and leaks no tensors over training steps', () => {
    const { fused, composed } = pair(20, 10, 0);
    tf.tidy(() => {
      const z = tf.zeros([4, 20]);
      expect(() => denseLocalReparamFused(z, fused.weight.mu, fused.weight.rho, tf.zeros([9]), tf.zeros([10]), tf.zeros([4, 10]), { mean: 0, std: 1 })).toThrow(/bMu/);
    });
    const x = tf.ones([4, 20]);
    const rng = new RandomStream(45, 'leak');
    assertNoTensorLeak(
      () => {
        const { value, grads } = tf.variableGrads(() => {
          const out = fused.call(x, rng);
          return tf.add(tf.sum(out.output), out.kl as Scalar) as Scalar;
        }, fused.variables());
        tf.dispose([value, ...Object.values(grads)]);
      },
      { iterations: 4, label: 'the fused dense layer' },
    );
    x.dispose();
    fused.dispose();
    composed.dispose();
  });
});
