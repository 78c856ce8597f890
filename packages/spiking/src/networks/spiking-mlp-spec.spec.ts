import { tf, type Tensor } from '@cristal/tensor';
import { checkSpikingMlpSpec, spikingMlpSizes, type SpikingMlpLayer, type SpikingMlpSpec } from './spiking-mlp-spec';

function layer(fanIn: number, out: number, overrides: Partial<SpikingMlpLayer> = {}): SpikingMlpLayer {
  return { weight: tf.zeros([fanIn, out]), bias: tf.zeros([out]), beta: 0.9, threshold: 1, reset: 'subtract', ...overrides };
}

function specOf(layers: SpikingMlpLayer[], overrides: Partial<SpikingMlpSpec> = {}): SpikingMlpSpec {
  return { layers, steps: 5, readout: 'spike-count', ...overrides };
}

describe('checkSpikingMlpSpec', () => {
  let created: Tensor[] = [];
  const keep = (spec: SpikingMlpSpec): SpikingMlpSpec => {
    created.push(...spec.layers.flatMap((l) => [l.weight, l.bias, l.beta, l.threshold].filter((x): x is Tensor => x instanceof tf.Tensor)));
    return spec;
  };
  afterEach(() => {
    tf.dispose(created);
    created = [];
  });

  it('accepts a chained 784-...-10 network with scalar, scalar-tensor and per-neuron parameters', () => {
    const spec = keep(specOf([layer(784, 6, { beta: tf.scalar(0.5), threshold: tf.fill([6], 0.75) }), layer(6, 10, { beta: 1, reset: 'zero' })]));
    expect(() => checkSpikingMlpSpec(spec)).not.toThrow();
    expect(spikingMlpSizes(spec)).toEqual([784, 6, 10]);
  });

  it.each<[string, () => SpikingMlpSpec, string]>([
    ['no layers', () => specOf([]), 'a spiking MLP needs at least one layer (the 10 output neurons).'],
    ['steps 0', () => specOf([layer(784, 10)], { steps: 0 }), 'steps must be an integer >= 1 (the simulated time steps T), got 0.'],
    ['fractional steps', () => specOf([layer(784, 10)], { steps: 2.5 }), 'steps must be an integer >= 1 (the simulated time steps T), got 2.5.'],
    ['unknown readout', () => specOf([layer(784, 10)], { readout: 'mean' as never }), "readout must be one of 'spike-count', 'mean-membrane', 'max-membrane', got 'mean'."],
    ['wrong input size', () => specOf([layer(28, 10)]), 'layer 1: weight is [28, 10] but its input is the 784 pixels; it must be [784, out] (TF.js layout x @ W; transpose a PyTorch [out, in] weight).'],
    ['shapes that do not chain', () => specOf([layer(784, 8), layer(9, 10)]), 'layer 2: weight is [9, 10] but its input is the 8 neurons of layer 1; it must be [8, out]'],
    ['not 10 outputs', () => specOf([layer(784, 8), layer(8, 9)]), 'the last layer must have 10 neurons (one per class), got 9; the layers map 784-8-9.'],
    ['bias of the wrong size', () => specOf([layer(784, 10, { bias: tf.zeros([9]) })]), 'layer 1: bias must be [10] to match weight [784, 10], got shape [9].'],
    ['rank-3 weight', () => specOf([layer(784, 10, { weight: tf.zeros([784, 10, 1]) })]), 'layer 1: weight must be [in, out], got shape [784, 10, 1].'],
    ['int32 weight', () => specOf([layer(784, 10, { weight: tf.zeros([784, 10], 'int32') })]), 'layer 1: weight must be float32, got int32.'],
    ['NaN in a weight', () => specOf([layer(784, 10, { bias: tf.tensor1d([0, 0, 0, NaN, 0, 0, 0, 0, 0, 0]) })]), 'layer 1: bias has a non-finite value (NaN) at flat index 3'],
    ['beta above 1', () => specOf([layer(784, 10, { beta: 1.5 })]), 'layer 1: beta must be in (0, 1], got 1.5.'],
    ['beta 0', () => specOf([layer(784, 10, { beta: 0 })]), 'layer 1: beta must be in (0, 1], got 0.'],
    ['a negative per-neuron beta', () => specOf([layer(784, 10, { beta: tf.tensor1d([0.9, 0.9, -0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]) })]), 'layer 1: beta must be in (0, 1] for every neuron, got -0.10000000149011612 at index 2.'],
    ['beta of the wrong length', () => specOf([layer(784, 10, { beta: tf.fill([3], 0.9) })]), 'layer 1: beta must be a number, a scalar tensor or one value per neuron [10], got shape [3].'],
    ['threshold 0', () => specOf([layer(784, 10, { threshold: 0 })]), 'layer 1: threshold must be positive and finite, got 0.'],
    ['infinite threshold', () => specOf([layer(784, 10, { threshold: Infinity })]), 'layer 1: threshold must be positive and finite, got Infinity.'],
    ['unknown reset', () => specOf([layer(784, 10, { reset: 'soft' as never })]), "layer 1: reset must be 'subtract', 'zero' or 'none', got 'soft'."],
  ])('rejects %s with a message saying what to fix', (_label, make, message) => {
    const spec = keep(make());
    expect(() => checkSpikingMlpSpec(spec)).toThrow(message);
  });
});
