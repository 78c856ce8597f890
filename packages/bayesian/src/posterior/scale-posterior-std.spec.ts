import { tf, assertNoTensorLeak, RandomStream, type Tensor } from '@cristal/tensor';
import { Conv2dFlipout } from '../layers/conv2d-flipout';
import { DenseReparam } from '../layers/dense-reparam';
import { denseTestInput, denseTestOptions } from '../layers/dense-layers.test-helpers';
import { scalePosteriorStd } from './scale-posterior-std';
import { softplus } from './softplus';

describe('scalePosteriorStd', () => {
  it('multiplies sigma by the factor to float32 precision of rho, from collapsed (sigma 4e-18) to wide (sigma 25) posteriors; means untouched', () => {
    // rho from -40 to 25 on the weight, so softplus runs through its exponential, middle and linear regimes
    const layer = new DenseReparam({ inputSize: 8, units: 5, rng: new RandomStream(1, 'init') });
    const rhoValues = Float32Array.from({ length: 40 }, (_, i) => -40 + (65 * i) / 39);
    tf.tidy(() => layer.weight.rho.assign(tf.tensor(rhoValues, [8, 5])));
    const bias = layer.bias as NonNullable<typeof layer.bias>;
    tf.tidy(() => bias.rho.assign(tf.tensor([-30, -5, 0, 3, 20])));
    const muBefore = Array.from(layer.weight.mu.dataSync());
    for (const factor of [0.3, 3]) {
      const before = [...layer.weight.rho.dataSync(), ...bias.rho.dataSync()];
      scalePosteriorStd(layer, factor);
      const after = [...layer.weight.rho.dataSync(), ...bias.rho.dataSync()];
      let worst = 0;
      after.forEach((rho, i) => {
        const relative = Math.abs(softplus(rho) / (factor * softplus(before[i])) - 1);
        // rho is stored in float32 (half an ulp: |rho| 2^-24) and |d log sigma / d rho| = sigmoid(rho) / softplus(rho) <= 1
        const bound = Math.abs(rho) * 2 ** -24 * 1.01 + 1e-12;
        worst = Math.max(worst, relative / bound);
      });
      console.log(`[scalePosteriorStd] factor ${factor}: worst relative error of sigma / its float32 bound = ${worst.toFixed(3)}`);
      expect(worst).toBeLessThanOrEqual(1);
      expect(after.every(Number.isFinite)).toBe(true);
    }
    expect(Array.from(layer.weight.mu.dataSync())).toEqual(muBefore);
    layer.dispose();
  });

  it('bakes a noise temperature into the posterior: the scaled layer at noiseScale 1 is the original at noiseScale = factor', () => {
    const original = new DenseReparam(denseTestOptions());
    const baked = new DenseReparam(denseTestOptions()); // the same initial posterior
    scalePosteriorStd(baked, 0.4);
    const x = denseTestInput();
    const run = (layer: DenseReparam, noiseScale: number) => tf.tidy(() => Array.from(layer.call(x, new RandomStream(5, 'bake'), { kl: false, noiseScale }).output.dataSync()));
    const a = run(original, 0.4);
    const b = run(baked, 1);
    const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(worst).toBeLessThan(1e-5);
    expect(Math.max(...run(original, 1).map((v, i) => Math.abs(v - b[i])))).toBeGreaterThan(0.05);
    tf.dispose(x);
    original.dispose();
    baked.dispose();
  });

  it('scales a convolution kernel and its bias, leaks nothing, and refuses factors that are not finite and positive', () => {
    const conv = new Conv2dFlipout({ inChannels: 2, filters: 3, kernelSize: 3, rhoInit: -4, rng: new RandomStream(2, 'init') });
    const sigma = (t: Tensor) => Array.from(t.dataSync(), softplus);
    const bias = conv.bias as NonNullable<typeof conv.bias>;
    const [w0, b0] = [sigma(conv.weight.rho), sigma(bias.rho)];
    assertNoTensorLeak(() => scalePosteriorStd(conv, 2), { iterations: 2, warmup: 0, label: 'scalePosteriorStd' });
    const [w1, b1] = [sigma(conv.weight.rho), sigma(bias.rho)];
    w1.forEach((s, i) => expect(s / w0[i]).toBeCloseTo(4, 5));
    b1.forEach((s, i) => expect(s / b0[i]).toBeCloseTo(4, 5));
    for (const bad of [0, -1, NaN, Infinity]) {
      expect(() => scalePosteriorStd(conv, bad)).toThrow(
        `scalePosteriorStd(conv2d_flipout): factor must be a finite number > 0 (the new sigma is factor * sigma), got ${bad}; a factor of 0 is the posterior mean: export with posterior { kind: 'mean' } instead.`,
      );
    }
    conv.dispose();
  });
});
