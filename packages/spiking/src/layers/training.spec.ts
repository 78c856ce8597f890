import { tf, RandomStreams, matmulLeading, type Scalar, type Tensor } from '@cristal/tensor';
import { maxMembrane } from '../decoders/max-membrane';
import { rateEncode } from '../encoders/rate';
import { surrogate } from '../surrogate/surrogates';
import { LeakyIntegratorLayer } from './leaky-integrator-layer';
import { LIFLayer } from './lif-layer';

describe('training a 20-30-5 spiking network', () => {
  it('1,000 BPTT steps with Adam keep tf.memory().numTensors flat, and the loss falls', () => {
    const T = 8;
    const B = 4;
    const rng = new RandomStreams(0);
    // Four fixed rate-coded samples, one class each.
    const intensities = rng.data.uniformTensor([B, 20]);
    const xs = rateEncode(intensities, T, rng.data);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 5);
    const w1 = tf.variable(rng.init.normalTensor([20, 30], 0, 0.4));
    const w2 = tf.variable(rng.init.normalTensor([30, 5], 0, 0.3));
    const hidden = new LIFLayer(30, { beta: 0.9, threshold: 1, surrogate: surrogate('fastSigmoid', 25) }, { name: 'hidden' });
    const readout = new LeakyIntegratorLayer(5, { beta: 0.9 }, { name: 'readout' });
    const optimizer = tf.train.adam(0.01);
    const loss = () =>
      tf.tidy(() => {
        hidden.reset();
        readout.reset();
        const spikes = hidden.forward(matmulLeading(xs, w1) as Tensor);
        const logits = maxMembrane(readout.forward(matmulLeading(spikes, w2) as Tensor));
        return tf.losses.softmaxCrossEntropy(labels, logits) as Scalar;
      });

    const costs: number[] = [];
    let afterWarmup = 0;
    for (let i = 0; i < 1000; i++) {
      const cost = optimizer.minimize(loss, i === 0 || i === 999, [w1, w2]);
      if (cost) {
        costs.push(cost.dataSync()[0]);
        cost.dispose();
      }
      if (i === 9) afterWarmup = tf.memory().numTensors; // Adam's moments and the layers' states exist by now
    }
    expect(tf.memory().numTensors).toBe(afterWarmup);
    expect(costs[1]).toBeLessThan(0.5 * costs[0]);

    hidden.dispose();
    readout.dispose();
    optimizer.dispose();
    tf.dispose([intensities, xs, labels, w1, w2]);
  });
});
