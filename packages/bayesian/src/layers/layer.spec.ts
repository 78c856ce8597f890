import { tf, RandomStream, type Scalar, type Tensor } from '@cristal/tensor';
import { scaleMixturePrior } from '../priors/scale-mixture-prior';
import { Conv2dFlipout } from './conv2d-flipout';
import { convTestInput, convTestOptions } from './conv2d-layers.test-helpers';
import { Conv2dReparam } from './conv2d-reparam';
import { DenseFlipout } from './dense-flipout';
import { denseTestInput, denseTestOptions } from './dense-layers.test-helpers';
import { DenseLocalReparam } from './dense-local-reparam';
import { DenseReparam } from './dense-reparam';
import type { CallOptions, VariationalLayer } from './layer';

interface Case {
  label: string;
  make: (extra?: object) => VariationalLayer;
  input: () => Tensor;
}

/** Every variational layer, the local reparameterisation both as the fused kernel and composed. */
const CASES: Case[] = [
  { label: 'DenseReparam', make: (extra = {}) => new DenseReparam({ ...denseTestOptions(), ...extra }), input: denseTestInput },
  { label: 'DenseLocalReparam (fused when built)', make: (extra = {}) => new DenseLocalReparam({ ...denseTestOptions(), ...extra }), input: denseTestInput },
  { label: 'DenseLocalReparam (composed)', make: (extra = {}) => new DenseLocalReparam({ ...denseTestOptions(), fused: false, ...extra }), input: denseTestInput },
  { label: 'DenseFlipout', make: (extra = {}) => new DenseFlipout({ ...denseTestOptions(), ...extra }), input: denseTestInput },
  { label: 'Conv2dReparam', make: (extra = {}) => new Conv2dReparam({ ...convTestOptions(), ...extra }), input: convTestInput },
  { label: 'Conv2dFlipout', make: (extra = {}) => new Conv2dFlipout({ ...convTestOptions(), ...extra }), input: convTestInput },
];

/** One pass on a fresh stream (so two calls with the same seed draw the same noise). */
function pass(layer: VariationalLayer, x: Tensor, seed: number, options: CallOptions): Float32Array {
  return tf.tidy(() => layer.call(x, new RandomStream(seed, 'noise-scale'), { kl: false, ...options }).output.dataSync() as Float32Array).slice();
}

const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('noiseScale (the posterior noise temperature of a sampling pass)', () => {
  it.each(CASES)('$label: noiseScale 0 is the mean pass, 1 is bit for bit the default pass, 0.5 lies in between', ({ make, input }) => {
    const layer = make();
    const x = input();
    const mean = pass(layer, x, 1, { mode: 'mean' });
    const zero = pass(layer, x, 2, { noiseScale: 0 });
    const half = pass(layer, x, 2, { noiseScale: 0.5 });
    const one = pass(layer, x, 2, { noiseScale: 1 });
    const omitted = pass(layer, x, 2, {});
    // local reparameterisation: m + sqrt(v) * 0 = m exactly; the fused kernel's own SGEMM sums in another order
    expect(maxAbsDiff(zero, mean)).toBeLessThan(1e-5);
    expect(Buffer.from(one.buffer).equals(Buffer.from(omitted.buffer))).toBe(true);
    // every layer's noise enters linearly in eps: the half-temperature pass is the midpoint of mean and full
    const midpoint = mean.map((m, i) => (m + one[i]) / 2);
    expect(maxAbsDiff(half, midpoint)).toBeLessThan(1e-5);
    expect(maxAbsDiff(one, mean)).toBeGreaterThan(0.05);
    tf.dispose(x);
    layer.dispose();
  });

  it.each(CASES)('$label: the KL returned is that of the stored posterior (Monte-Carlo KL of a mixture prior at the unscaled noise)', ({ make, input }) => {
    const layer = make({ prior: scaleMixturePrior({ pi: 0.5, std1: 1, std2: 0.05 }) });
    const x = input();
    const kl = (noiseScale: number) => tf.tidy(() => (layer.call(x, new RandomStream(3, 'kl'), { noiseScale }).kl as Scalar).dataSync()[0]);
    expect(kl(0.25)).toBe(kl(1));
    expect(kl(0)).toBe(kl(1));
    tf.dispose(x);
    layer.dispose();
  });

  it('refuses a negative, NaN or infinite noiseScale with a message that says what it is', () => {
    for (const { make, input } of CASES) {
      const layer = make();
      const x = input();
      for (const bad of [-0.1, NaN, Infinity]) {
        expect(() => layer.call(x, new RandomStream(1, 'bad'), { noiseScale: bad })).toThrow(
          `${layer.name}: noiseScale must be a finite number >= 0 (it multiplies the posterior noise: 0 is the mean pass, 1 the posterior), got ${bad}.`,
        );
      }
      tf.dispose(x);
      layer.dispose();
    }
  });

  it.each([
    ['fused', true],
    ['composed', false],
  ] as const)('DenseLocalReparam (%s): the sampled output variance is noiseScale^2 (x^2 sigma_W^2 + sigma_b^2), within 4.5 standard errors of 20,000 examples', (_label, fused) => {
    const layer = new DenseLocalReparam({ ...denseTestOptions(), fused });
    // one input row repeated: local reparameterisation draws independent noise per example, so the
    // 20,000 rows are 20,000 independent draws of the same output distribution
    const n = 20000;
    const row = denseTestInput();
    const x = tf.tidy(() => tf.tile(tf.slice(row, [0, 0], [1, 5]), [n, 1]));
    const exact = tf.tidy(() => {
      const b = layer.bias as NonNullable<typeof layer.bias>;
      const x0 = tf.slice(row, [0, 0], [1, 5]);
      return {
        mean: tf.add(tf.matMul(x0, layer.weight.mu), b.mu).dataSync(),
        variance: tf.add(tf.matMul(tf.square(x0), tf.square(tf.softplus(layer.weight.rho))), tf.square(tf.softplus(b.rho))).dataSync(),
      };
    });
    let worst = 0;
    for (const s of [0.5, 2]) {
      const y = pass(layer, x, 10 + 10 * s, { noiseScale: s });
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        let sumSq = 0;
        for (let r = 0; r < n; r++) sum += y[r * 3 + j];
        const m = sum / n;
        for (let r = 0; r < n; r++) sumSq += (y[r * 3 + j] - m) ** 2;
        const variance = sumSq / (n - 1);
        const expected = s * s * exact.variance[j];
        // standard error of a Gaussian sample variance: sigma^2 sqrt(2 / (n - 1)); of the mean: sqrt(v / n)
        worst = Math.max(worst, Math.abs(variance - expected) / (expected * Math.sqrt(2 / (n - 1))), Math.abs(m - exact.mean[j]) / Math.sqrt(expected / n));
      }
    }
    console.log(`[noiseScale] local reparam (${layer.fused ? 'fused kernel' : 'composed'}): worst z of mean and variance at noiseScale 0.5 and 2: ${worst.toFixed(2)}`);
    expect(worst).toBeLessThan(4.5);
    // the same noise at noiseScale 1 is four times farther from the mean than at 0.25: the scaling is exact per draw
    const quarter = pass(layer, x, 7, { noiseScale: 0.25 });
    const full = pass(layer, x, 7, { noiseScale: 1 });
    const mean = pass(layer, x, 7, { mode: 'mean' });
    let ratioError = 0;
    for (let i = 0; i < 300; i++) ratioError = Math.max(ratioError, Math.abs((full[i] - mean[i]) - 4 * (quarter[i] - mean[i])));
    expect(ratioError).toBeLessThan(1e-5);
    tf.dispose([x, row]);
    layer.dispose();
  });

  it.each(CASES)('$label: d output / d rho at noiseScale 0.7 matches central finite differences and is 0.7 times its value at noiseScale 1', ({ make, input }) => {
    const layer = make();
    const x = input();
    const rho = layer.weight.rho;
    const rho0 = rho.clone();
    const directions = new RandomStream(40, 'fd');
    // a fixed random projection of the outputs and a random direction in rho space
    const shape = tf.tidy(() => layer.call(x, new RandomStream(1, 'shape'), { mode: 'mean', kl: false }).output.shape);
    const c = directions.normalTensor(shape);
    const d = directions.normalTensor(rho.shape);
    const loss = (noiseScale: number) => tf.sum(tf.mul(c, layer.call(x, new RandomStream(41, 'fd-noise'), { kl: false, noiseScale }).output)) as Scalar;
    const gradient = (noiseScale: number) => {
      const { value, grads } = tf.variableGrads(() => loss(noiseScale), [rho]);
      const g = grads[rho.name];
      const directional = tf.tidy(() => tf.sum(tf.mul(g, d)).dataSync()[0]);
      tf.dispose([value, g]);
      return directional;
    };
    const at = (h: number, noiseScale: number) => {
      rho.assign(tf.tidy(() => tf.add(rho0, tf.mul(d, h))));
      const v = tf.tidy(() => loss(noiseScale).dataSync()[0]);
      rho.assign(rho0);
      return v;
    };
    const h = 1e-2;
    const analytic = gradient(0.7);
    const numeric = (at(h, 0.7) - at(-h, 0.7)) / (2 * h);
    const atOne = gradient(1);
    const atZero = gradient(0);
    console.log(`[noiseScale] ${layer.name}${(layer as { fused?: boolean }).fused ? " (fused kernel)" : ""}: d/drho along d, analytic ${analytic.toFixed(5)}, central difference ${numeric.toFixed(5)}, at noiseScale 1 ${atOne.toFixed(5)}`);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-2);
    expect(Math.abs(analytic - numeric)).toBeLessThan(5e-4 * Math.max(1, Math.abs(analytic)));
    expect(Math.abs(analytic - 0.7 * atOne)).toBeLessThan(1e-5 * Math.max(1, Math.abs(atOne)));
    // without noise the data term does not see rho at all
    expect(atZero).toBe(0);
    tf.dispose([x, rho0, c, d]);
    layer.dispose();
  });
});
