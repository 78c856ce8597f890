import { RandomStreams, tf, type RandomStream, type Tensor, type Variable } from '@cristal/tensor';
import { Activation } from '../layers/activation';
import { Conv2d } from '../layers/conv2d';
import { Conv2dReparam } from '../layers/conv2d-reparam';
import { Dense } from '../layers/dense';
import { DenseReparam } from '../layers/dense-reparam';
import type { Layer, LayerOutput } from '../layers/layer';
import { McDropout } from '../layers/mc-dropout';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import { bayesianMlp } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { lowerBayesianNetwork, SUPPORTED_NETWORK_LAYERS } from './lowered-network';
import { bayesianLenet, geometryLenet } from './network-onnx.test-helpers';

class Custom implements Layer {
  readonly name = 'custom';
  call(x: Tensor, _rng: RandomStream): LayerOutput {
    return { output: x.clone(), kl: null };
  }
  variables(): Variable[] {
    return [];
  }
  dispose(): void {
    // nothing to free
  }
}

describe('lowerBayesianNetwork', () => {
  it('lowers a LeNet to image, conv, activation, pool, flatten and dense steps over the model\'s own variables', () => {
    const model = bayesianLenet();
    const lowered = lowerBayesianNetwork(model);
    expect(lowered.steps.map((s) => `${s.index}:${s.kind}${s.kind === 'activation' ? `(${s.activation})` : ''}`)).toEqual([
      '0:image', '1:conv', '2:activation(relu)', '3:maxPool', '4:conv', '5:activation(relu)', '6:maxPool', '7:flatten', '8:dense', '8:activation(relu)', '9:dense',
    ]);
    expect(lowered.estimators).toEqual(['reparam', 'flipout', 'local-reparam']);
    const conv = model.layers[1] as Conv2dReparam;
    const step = lowered.steps[1];
    if (step.kind !== 'conv') throw new Error('expected a conv step');
    expect(step.weight.mu).toBe(conv.weight.mu);
    expect(step.weight.rho).toBe(conv.weight.rho);
    expect(step.origin).toBe("layer 1 'conv_a' (Conv2dReparam)");
    // 28 -> 24 -> 12 -> 8 -> 4: the Flatten sees 4 x 4 x 8 images
    expect(lowered.steps[7]).toMatchObject({ kind: 'flatten', height: 4, width: 4, channels: 8 });
    model.dispose();
  });

  it("resolves TensorFlow's 'same' padding per axis (floor(total / 2) before, the rest after) and tracks sizes through strides and pooling", () => {
    const model = geometryLenet();
    const lowered = lowerBayesianNetwork(model);
    const convs = lowered.steps.filter((s) => s.kind === 'conv');
    // 28, k5, s2, same: 14 outputs, total (14 - 1) 2 + 5 - 28 = 3 -> 1 before, 2 after
    // 14, k3, valid -> 12; pool -> 6; 6, k3, same: total 2 -> 1 and 1
    // 6 x 6, k [2, 3], s [1, 2], same: rows total 5 + 2 - 6 = 1 -> 0, 1; cols 3 outputs, total 4 + 3 - 6 = 1 -> 0, 1
    expect(convs.map((c) => (c.kind === 'conv' ? { estimator: c.estimator, strides: c.strides, pads: c.pads } : null))).toEqual([
      { estimator: 'point', strides: [2, 2], pads: [1, 1, 2, 2] },
      { estimator: 'reparam', strides: [1, 1], pads: [0, 0, 0, 0] },
      { estimator: 'flipout', strides: [1, 1], pads: [1, 1, 1, 1] },
      { estimator: 'point', strides: [1, 2], pads: [0, 0, 1, 1] },
    ]);
    expect(lowered.steps.find((s) => s.kind === 'dropout')).toMatchObject({ rate: 0.25, features: 72, keep: null });
    expect(lowered.steps.find((s) => s.kind === 'flatten')).toMatchObject({ height: 6, width: 3, channels: 4 });
    // the padding really is TensorFlow's: the model runs on these sizes
    tf.tidy(() => expect(model.call(tf.zeros([1, 784]), new RandomStreams(1).noise, { mode: 'mean' }).output.shape).toEqual([1, 10]));
    model.dispose();
  });

  it('lowers an MLP as before: Flatten of features and identity activations drop out', () => {
    const s = new RandomStreams(2);
    const model = new Sequential([new Flatten(), new Dense({ inputSize: 784, units: 8, rng: s.init }), new Activation('identity'), new McDropout(0.1), new DenseReparam({ inputSize: 8, units: 10, activation: 'tanh', rng: s.init })]);
    expect(lowerBayesianNetwork(model).steps.map((st) => st.kind)).toEqual(['dense', 'dropout', 'dense', 'activation']);
    model.dispose();
  });

  it('names every unsupported layer and lists the supported ones', () => {
    const s = new RandomStreams(3);
    const model = new Sequential([new Custom(), new Dense({ inputSize: 784, units: 10, rng: s.init }), new Custom()]);
    expect(() => lowerBayesianNetwork(model)).toThrow(`exportBayesianNetwork: layer 0 'custom' (Custom), layer 2 'custom' (Custom) are not supported; supported layers: ${SUPPORTED_NETWORK_LAYERS}.`);
    model.dispose();
  });

  it('refuses layers in the wrong order or of the wrong size, naming the layer and the fix', () => {
    const s = new RandomStreams(4);
    const conv = () => new Conv2dReparam({ inChannels: 1, filters: 2, kernelSize: 5, rng: s.init });
    const cases: [Layer[], string][] = [
      [[conv()], "exportBayesianNetwork: layer 0 'conv2d_reparam' (Conv2dReparam) needs NHWC images but gets [batch, 784] features; put ToImage(28, 28) before it."],
      [[new ToImage(28, 28), new Dense({ inputSize: 784, units: 10, rng: s.init })], "exportBayesianNetwork: layer 1 'dense' (Dense) takes [batch, 784] features but gets [batch, 28, 28, 1] images; put Flatten before it."],
      [[new ToImage(14, 14)], "exportBayesianNetwork: layer 0 'to_image' (ToImage) reshapes to 14 x 14 x 1 = 196 values, but gets [batch, 784] features; use ToImage(28, 28) for the 784 pixels."],
      [[new ToImage(28, 28), new Conv2d({ inChannels: 3, filters: 2, kernelSize: 5, rng: s.init })], "exportBayesianNetwork: layer 1 'conv2d' (Conv2d) takes 3 channels but gets [batch, 28, 28, 1] images."],
      [[new ToImage(28, 28), new Conv2d({ inChannels: 1, filters: 2, kernelSize: 29, rng: s.init })], "exportBayesianNetwork: layer 1 'conv2d' (Conv2d) has a 29 x 29 kernel, larger than its [batch, 28, 28, 1] images ('valid' padding)."],
      [[new MaxPool2d(2)], "exportBayesianNetwork: layer 0 'max_pool' (MaxPool2d) needs NHWC images but gets [batch, 784] features."],
      [[new ToImage(28, 28), new MaxPool2d(30)], "exportBayesianNetwork: layer 1 'max_pool' (MaxPool2d) has 30 x 30 windows, larger than its [batch, 28, 28, 1] images."],
      [[new Dense({ inputSize: 784, units: 784, rng: s.init }), new ToImage(28, 28)], "exportBayesianNetwork: layer 1 'to_image' (ToImage) must reshape the input pixels, before any convolution or dense layer; move it first."],
      [[new Dense({ inputSize: 100, units: 10, rng: s.init })], "exportBayesianNetwork: layer 0 'dense' (Dense) takes 100 inputs, but the classifier signature feeds 784 features."],
      [[new ToImage(28, 28), new MaxPool2d(2), new Flatten(), new Dense({ inputSize: 100, units: 10, rng: s.init })], "exportBayesianNetwork: layer 3 'dense' (Dense) takes 100 inputs, but the layers before it output 196 features."],
      [[new ToImage(28, 28), conv(), new Flatten()], "exportBayesianNetwork: the classifier signature needs 10 logits, but the model outputs [batch, 1152] features (its last layer with weights is layer 1 'conv2d_reparam' (Conv2dReparam))."],
      [[new Flatten()], 'exportBayesianNetwork: the classifier signature needs 10 logits, but the model outputs [batch, 784] features (it has no layer with weights).'],
    ];
    for (const [layers, message] of cases) {
      const model = new Sequential(layers);
      expect(() => lowerBayesianNetwork(model)).toThrow(message);
      model.dispose();
    }
    const nine = bayesianMlp({ sizes: [784, 8, 9], rng: s.init });
    expect(() => lowerBayesianNetwork(nine, 'exportModelEnsemble: member 1')).toThrow(
      "exportModelEnsemble: member 1: the classifier signature needs 10 logits, but the model outputs [batch, 9] features (its last layer with weights is layer 1 'layer2' (DenseLocalReparam)).",
    );
    nine.dispose();
  });
});
