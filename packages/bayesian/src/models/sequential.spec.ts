import { tf, RandomStream, RandomStreams } from '@cristal/tensor';
import { Activation } from '../layers/activation';
import { Dense } from '../layers/dense';
import { DenseLocalReparam } from '../layers/dense-local-reparam';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import { Conv2dFlipout } from '../layers/conv2d-flipout';
import { Sequential } from './sequential';

describe('Sequential', () => {
  it('a model without variational layers has KL 0; with them, the sum of theirs', () => {
    const s = new RandomStreams(1);
    const plain = new Sequential([new Dense({ inputSize: 3, units: 2, rng: s.init })]);
    const mixed = new Sequential([new Dense({ inputSize: 3, units: 4, rng: s.init }), new Activation('tanh'), new DenseLocalReparam({ inputSize: 4, units: 2, rng: s.init })]);
    tf.tidy(() => {
      const x = tf.ones([2, 3]);
      expect(plain.call(x, s.noise).kl.dataSync()[0]).toBe(0);
      expect(mixed.call(x, s.noise).kl.dataSync()[0]).toBeCloseTo(mixed.variationalLayers()[0].kl().dataSync()[0], 2);
    });
    expect(mixed.variables()).toHaveLength(2 + 4);
    plain.dispose();
    mixed.dispose();
  });

  it('runs a small Bayesian LeNet from flat pixels', () => {
    const s = new RandomStreams(2);
    const model = new Sequential([
      new ToImage(28, 28),
      new Conv2dFlipout({ inChannels: 1, filters: 4, kernelSize: 5, rng: s.init }),
      new Activation('relu'),
      new MaxPool2d(2),
      new Flatten(),
      new DenseLocalReparam({ inputSize: 12 * 12 * 4, units: 10, rng: s.init }),
    ]);
    tf.tidy(() => {
      const out = model.call(new RandomStream(3, 'x').uniformTensor([2, 784]), s.noise);
      expect(out.output.shape).toEqual([2, 10]);
      expect(Number.isFinite(out.kl.dataSync()[0])).toBe(true);
    });
    model.dispose();
  });

  it('a Dense layer computes x W + b with He-initialised weights', () => {
    const d = new Dense({ inputSize: 400, units: 300, rng: new RandomStream(4, 'init') });
    const w = d.kernel.dataSync();
    let ss = 0;
    for (const v of w) ss += v * v;
    // sample variance of 120,000 draws of N(0, 2/400): relative standard error sqrt(2/120000) ~ 0.4%
    expect(Math.abs(ss / w.length / (2 / 400) - 1)).toBeLessThan(0.02);
    tf.tidy(() => {
      const x = tf.ones([1, 400]);
      expect(d.call(x).output.dataSync()[0]).toBeCloseTo(tf.sum(tf.slice(d.kernel, [0, 0], [400, 1])).dataSync()[0], 4);
    });
    d.dispose();
  });
});
