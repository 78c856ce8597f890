import { Conv2dFlipout, Conv2dReparam, DenseReparam, Flatten, Sequential, ToImage, Activation, MaxPool2d, type Conv2dVariationalOptions } from '@cristal/bayesian';
import { assertNoTensorLeak, RandomStream, tf, type Tensor } from '@cristal/tensor';
import { disposeLayerInputs, layerInputs } from './layer-inputs';
import { preActivationMoments, preActivationSnr, preActivationSnrByLayer } from './pre-activation-snr';
import { handDenseLayer, relativeDifference, softplus64, type DenseKind } from './sensor-layers.test-helpers';

describe('preActivationSnr, dense layers', () => {
  // x = [1, 2] through the hand layer:
  //   m = [1(0.5) + 2(0.25) + 0.1, 1(-1) + 2(0.5) - 0.2] = [1.1, -0.2]
  //   v = [1(0.01) + 4(0.09) + 0.25, 1(0.04) + 4(0.16) + 0.25] = [0.62, 0.93]
  //   SNR = (1.21 + 0.04) / (0.62 + 0.93) = 1.25 / 1.55 = 25 / 31
  it('matches the hand arithmetic on one input vector', () => {
    const layer = handDenseLayer();
    const x = tf.tensor2d([[1, 2]]);
    const r = preActivationSnr(layer, x);
    expect(relativeDifference(r.snr, 25 / 31)).toBeLessThan(1e-6);
    expect(r.snrDb).toBeCloseTo(10 * Math.log10(25 / 31), 5); // -0.934 dB
    expect(relativeDifference(r.signalPower, 1.25 / 2)).toBeLessThan(1e-6);
    expect(relativeDifference(r.noisePower, 1.55 / 2)).toBeLessThan(1e-6);
    tf.dispose([x]);
    layer.dispose();
  });

  it('sums powers over the batch: adding x = [0, 0] (m = mu_b, v = sigma_b^2) gives 1.30 / 2.05', () => {
    const layer = handDenseLayer();
    const x = tf.tensor2d([
      [1, 2],
      [0, 0],
    ]);
    // the mean of per-example ratios would be (25/31 + 0.05/0.5) / 2 = 0.453; the power ratio is 26/41 = 0.634
    expect(relativeDifference(preActivationSnr(layer, x).snr, 1.3 / 2.05)).toBeLessThan(1e-6);
    x.dispose();
    layer.dispose();
  });

  it('scales exactly as T^-2 with the noise temperature: -20 log10 T dB', () => {
    const layer = handDenseLayer();
    const x = tf.tensor2d([[1, 2]]);
    const base = preActivationSnr(layer, x);
    for (const t of [0.5, 2, 3.7]) {
      const r = preActivationSnr(layer, x, t);
      expect(relativeDifference(r.snr, base.snr / (t * t))).toBeLessThan(1e-6);
      expect(r.snrDb - base.snrDb).toBeCloseTo(-20 * Math.log10(t), 5);
      expect(r.signalPower).toBe(base.signalPower);
    }
    x.dispose();
    layer.dispose();
  });

  it('is the same for the three estimators (they share the marginals)', () => {
    const x = tf.tensor2d([
      [1, 2],
      [-0.5, 0.3],
    ]);
    const values = (['reparam', 'local-reparam', 'flipout'] as DenseKind[]).map((kind) => {
      const layer = handDenseLayer(kind);
      const r = preActivationSnr(layer, x).snr;
      layer.dispose();
      return r;
    });
    expect(values[1]).toBe(values[0]);
    expect(values[2]).toBe(values[0]);
    x.dispose();
  });

  it('says what is wrong with bad input', () => {
    const layer = handDenseLayer();
    const x = tf.tensor2d([[1, 2, 3]]);
    const ok = tf.tensor2d([[1, 2]]);
    expect(() => preActivationSnr(layer, x)).toThrow(/hand\) input: expected shape \[\*, 2\], got \[1, 3\]/);
    expect(() => preActivationSnr(layer, ok, 0)).toThrow(/noiseScale must be a positive finite number/);
    expect(() => preActivationSnr(layer, ok, Number.NaN)).toThrow(/noiseScale/);
    const empty = tf.zeros([0, 2]);
    expect(() => preActivationSnr(layer, empty)).toThrow(/batch is empty/);
    const noBias = new DenseReparam({ name: 'nobias', inputSize: 2, units: 2, useBias: false, rng: new RandomStream(2, 'nb') });
    const zeros = tf.zeros([3, 2]);
    expect(() => preActivationSnr(noBias, zeros)).toThrow(/no weight noise reaches the pre-activations/);
    tf.dispose([x, ok, empty, zeros]);
    layer.dispose();
    noBias.dispose();
  });
});

/**
 * The dense formulation of a convolution, by hand in float64: every output position takes the patch
 * of the (zero-padded) image under the kernel, flattened in [kh, kw, in] order (im2col), and the
 * kernel becomes a [kh kw in, filters] matrix; then m and v are the dense layer's.
 */
function im2colMoments(
  image: number[][][], // [H][W][C] of one example
  kernelMu: Float32Array,
  kernelRho: Float32Array,
  biasMu: Float32Array,
  biasRho: Float32Array,
  k: number,
  filters: number,
  stride: number,
  pad: number,
): { mean: number[]; variance: number[] } {
  const [h, w, c] = [image.length, image[0].length, image[0][0].length];
  const at = (r: number, q: number, ch: number) => (r < 0 || q < 0 || r >= h || q >= w ? 0 : image[r][q][ch]);
  const outH = Math.floor((h + 2 * pad - k) / stride) + 1;
  const outW = Math.floor((w + 2 * pad - k) / stride) + 1;
  const mean: number[] = [];
  const variance: number[] = [];
  for (let r = 0; r < outH; r++) {
    for (let q = 0; q < outW; q++) {
      const patch: number[] = [];
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let ch = 0; ch < c; ch++) patch.push(at(r * stride - pad + i, q * stride - pad + j, ch));
      for (let f = 0; f < filters; f++) {
        let m = biasMu[f];
        let v = softplus64(biasRho[f]) ** 2;
        patch.forEach((xv, row) => {
          m += xv * kernelMu[row * filters + f];
          v += xv * xv * softplus64(kernelRho[row * filters + f]) ** 2;
        });
        mean.push(m);
        variance.push(v);
      }
    }
  }
  return { mean, variance };
}

describe('preActivationSnr, convolutions against their dense (im2col) formulation', () => {
  const cases: { label: string; kernel: number; stride: number; padding: 'valid' | 'same'; pad: number; outputs: number }[] = [
    { label: '2 x 2 kernel, valid', kernel: 2, stride: 1, padding: 'valid', pad: 0, outputs: 4 },
    { label: '3 x 3 kernel, same (one pixel of zeros around)', kernel: 3, stride: 1, padding: 'same', pad: 1, outputs: 9 },
    { label: '2 x 2 kernel, stride 2, valid', kernel: 2, stride: 2, padding: 'valid', pad: 0, outputs: 1 },
  ];
  for (const c of cases) {
    it(`matches on a 3 x 3 image with 2 channels and 3 filters: ${c.label}`, () => {
      const s = new RandomStream(40 + c.kernel + c.stride, 'conv-snr');
      const shape = [c.kernel, c.kernel, 2, 3];
      const options: Conv2dVariationalOptions = {
        name: 'conv',
        inChannels: 2,
        filters: 3,
        kernelSize: c.kernel,
        strides: c.stride,
        padding: c.padding,
        rng: s,
        initial: {
          weight: { mu: s.normalTensor(shape, 0, 0.5), rho: s.uniformTensor(shape, -3, 0) },
          bias: { mu: s.normalTensor([3], 0, 0.5), rho: s.uniformTensor([3], -3, 0) },
        },
      };
      const layers = [new Conv2dReparam(options), new Conv2dFlipout(options)];
      const x = s.uniformTensor([2, 3, 3, 2], -1, 1);
      const pixels = x.arraySync() as number[][][][];
      const [layer] = layers;
      const args = [layer.weight.mu, layer.weight.rho, layer.bias?.mu, layer.bias?.rho].map((t) => (t as Tensor).dataSync() as Float32Array);
      const byHand = pixels.map((image) => im2colMoments(image, args[0], args[1], args[2], args[3], c.kernel, 3, c.stride, c.pad));
      const mean = byHand.flatMap((e) => e.mean);
      const variance = byHand.flatMap((e) => e.variance);
      expect(mean.length).toBe(2 * c.outputs * 3);
      const moments = preActivationMoments(layer, x);
      const [m, v] = [moments.mean.dataSync(), moments.variance.dataSync()];
      mean.forEach((value, i) => expect(Math.abs(m[i] - value)).toBeLessThan(1e-5));
      variance.forEach((value, i) => expect(Math.abs(v[i] - value)).toBeLessThan(1e-5 * value));
      tf.dispose(moments);
      const expected = mean.reduce((a, b) => a + b * b, 0) / variance.reduce((a, b) => a + b, 0);
      for (const l of layers) {
        const r = preActivationSnr(l, x, 1.5);
        expect(relativeDifference(r.snr, expected / 2.25)).toBeLessThan(1e-5);
      }
      tf.dispose([x, ...Object.values(options.initial ?? {}).flatMap((p) => [p.mu, p.rho])]);
      layers.forEach((l) => l.dispose());
    });
  }

  it('refuses a dense input for a convolution', () => {
    const conv = new Conv2dReparam({ name: 'c', inChannels: 2, filters: 3, kernelSize: 2, rng: new RandomStream(9, 'c') });
    const flat = tf.zeros([2, 18]);
    expect(() => preActivationSnr(conv, flat)).toThrow(/c\) input \(NHWC\): expected shape \[\*, \*, \*, 2\]/);
    flat.dispose();
    conv.dispose();
  });
});

describe('preActivationSnrByLayer (each layer on what it receives in the mean pass)', () => {
  function leNet(s: RandomStream): Sequential {
    return new Sequential([
      new ToImage(6, 6, 1),
      new Conv2dReparam({ name: 'conv1', inChannels: 1, filters: 2, kernelSize: 3, rng: s, rhoInit: -3 }),
      new Activation('relu'),
      new MaxPool2d(2),
      new Flatten(),
      new DenseReparam({ name: 'dense1', inputSize: 8, units: 4, activation: 'relu', rng: s, rhoInit: -3 }),
      new DenseReparam({ name: 'logits', inputSize: 4, units: 3, rng: s, rhoInit: -3 }),
    ]);
  }

  it('equals preActivationSnr on the layer inputs, with per-layer temperatures, and leaks nothing', () => {
    const s = new RandomStream(11, 'lenet');
    const model = leNet(s);
    const x = s.uniformTensor([5, 36]);
    const rng = new RandomStream(12, 'noise');
    const temperatures = { conv1: 2, logits: 0.5 };
    const r = preActivationSnrByLayer(model.layers, x, rng, temperatures);
    expect(Object.keys(r)).toEqual(['conv1', 'dense1', 'logits']);
    const passed = layerInputs(model.layers, x, rng);
    const variational = model.variationalLayers();
    expect(r.conv1).toEqual(preActivationSnr(variational[0], passed.inputs[1], 2));
    expect(r.dense1).toEqual(preActivationSnr(variational[1], passed.inputs[5], 1));
    expect(r.logits).toEqual(preActivationSnr(variational[2], passed.inputs[6], 0.5));
    disposeLayerInputs(passed);
    assertNoTensorLeak(() => preActivationSnrByLayer(model.layers, x, rng, 1.3), { label: 'preActivationSnrByLayer' });
    expect(() => preActivationSnrByLayer(model.layers, x, rng, { conv2: 1 })).toThrow(/noise scales given for conv2, which are not variational layers of the model \(these are: conv1, dense1, logits\)/);
    x.dispose();
    model.dispose();
  });
});
