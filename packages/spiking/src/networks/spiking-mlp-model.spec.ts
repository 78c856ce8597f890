import { assertNoTensorLeak, RandomStreams, tf, type Scalar, type Tensor } from '@cristal/tensor';
import { surrogate } from '../surrogate/surrogates';
import { spikingMlpForward } from './spiking-mlp-forward';
import { SpikingMlp, spikingMlpTrainingForward } from './spiking-mlp-model';
import type { SpikingReadout } from './spiking-mlp-spec';

const MARGIN = 1e-4;

/** Rows of `x` on which no membrane comes within MARGIN of a threshold (no spike can flip). */
function clearRows(model: SpikingMlp, x: Tensor): Tensor {
  return tf.tidy(() => {
    const margin = spikingMlpForward(model.spec(), x).thresholdMargin.dataSync();
    return tf.gather(x, Array.from(margin.keys()).filter((i) => margin[i] >= MARGIN));
  });
}

describe('SpikingMlp (fused training forward)', () => {
  it.each([
    ['mean-membrane', [784, 64, 10]],
    ['spike-count', [784, 64, 10]],
    ['max-membrane', [784, 48, 24, 10]],
  ] as [SpikingReadout, number[]][])('%s %j: logits and per-layer spikes equal the step-by-step reference', (readout, sizes) => {
    const rng = new RandomStreams(3);
    const model = new SpikingMlp({ sizes, steps: 12, readout }, rng.init);
    // scaled-up weights so every layer spikes: the comparison must exercise spikes, not just leaks
    model.params.weights.forEach((w) => w.assign(tf.mul(w, 3)));
    const x = clearRows(model, rng.data.uniformTensor([120, 784]));
    expect(x.shape[0]).toBeGreaterThan(60);
    const fused = spikingMlpTrainingForward(model.params, model.config, x, true);
    const reference = spikingMlpForward(model.spec(), x);
    const spikes = Array.from((fused.layerSpikes as Tensor).dataSync());
    expect(spikes).toEqual(Array.from(tf.sum(reference.spikeCounts, 0).dataSync()));
    expect(Math.min(...spikes)).toBeGreaterThan(0);
    const diff = tf.max(tf.abs(tf.sub(fused.logits, reference.logits))).dataSync()[0];
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([x, fused.logits, fused.layerSpikes as Tensor, reference.logits, reference.probabilities, reference.spikeCounts, reference.thresholdMargin]);
    model.dispose();
  });

  it('sends a gradient to every weight and bias, leaking no tensors', () => {
    const rng = new RandomStreams(4);
    const model = new SpikingMlp({ sizes: [784, 32, 16, 10], steps: 10 }, rng.init);
    model.params.weights.forEach((w) => w.assign(tf.mul(w, 3)));
    const x = rng.data.uniformTensor([16, 784]);
    const labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 10), 'int32');
    assertNoTensorLeak(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(x, labels) as Scalar, Object.values(model.variables));
      for (const [name, g] of Object.entries(grads)) expect([name, tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) > 0]).toEqual([name, true]);
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('learns a separable toy task with Adam (loss falls by more than half, training accuracy 100%)', () => {
    const rng = new RandomStreams(5);
    const model = new SpikingMlp({ sizes: [784, 32, 10], steps: 8, surrogate: surrogate('fastSigmoid', 25) }, rng.init);
    const labels = tf.tensor1d(Array.from({ length: 60 }, (_, i) => i % 10), 'int32');
    // class k: bright pixels p with p % 10 == k
    const x = tf.tidy(() => tf.add(tf.mul(tf.oneHot(tf.tensor1d(Array.from({ length: 60 * 784 }, (_, i) => (i % 784) % 10), 'int32'), 10).reshape([60, 784, 10]).mul(tf.oneHot(labels, 10).reshape([60, 1, 10])).sum(2), 0.8), tf.mul(rng.data.uniformTensor([60, 784]), 0.2)));
    const optimizer = tf.train.adam(0.01);
    const first = tf.tidy(() => model.loss(x, labels).dataSync()[0]);
    for (let i = 0; i < 40; i++) tf.dispose(optimizer.minimize(() => model.loss(x, labels), true, Object.values(model.variables)) ?? []);
    const last = tf.tidy(() => model.loss(x, labels).dataSync()[0]);
    const accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.probabilities(x), 1), labels), 'float32')).dataSync()[0]);
    expect(last).toBeLessThan(first / 2);
    expect(accuracy).toBe(1);
    optimizer.dispose();
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('rejects a config it cannot build, saying what to pass', () => {
    const rng = new RandomStreams(6);
    expect(() => new SpikingMlp({ sizes: [784] }, rng.init)).toThrow('sizes must list at least the input and output widths');
    expect(() => new SpikingMlp({ sizes: [784, 10], readout: 'rate' as SpikingReadout }, rng.init)).toThrow('readout must be one of spike-count, mean-membrane, max-membrane');
  });
});
