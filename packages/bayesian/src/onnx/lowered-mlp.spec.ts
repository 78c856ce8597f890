import { RandomStreams } from '@cristal/tensor';
import { Activation, type ActivationKind } from '../layers/activation';
import { Conv2dReparam } from '../layers/conv2d-reparam';
import { Dense } from '../layers/dense';
import { DenseReparam } from '../layers/dense-reparam';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import { bayesianMlp } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { mixedModel } from './bayesian-onnx.test-helpers';
import { lowerBayesianMlp, SUPPORTED_EXPORT_LAYERS } from './lowered-mlp';

describe('lowerBayesianMlp', () => {
  it('folds activations into the dense layer before them and drops Flatten, McDropout and identity', () => {
    const model = mixedModel();
    const lowered = lowerBayesianMlp(model);
    expect(lowered.layers.map((l) => ({ index: l.index, name: l.name, estimator: l.estimator, io: [l.inputSize, l.units], activations: l.activations, bias: l.bias !== null }))).toEqual([
      { index: 1, name: 'point', estimator: 'point', io: [784, 48], activations: ['tanh'], bias: true },
      { index: 4, name: 'flip', estimator: 'flipout', io: [48, 24], activations: ['sigmoid', 'relu'], bias: false },
      { index: 7, name: 'local', estimator: 'local-reparam', io: [24, 10], activations: [], bias: true },
    ]);
    expect(lowered.estimators).toEqual(['flipout', 'local-reparam']);
    // the model's own variables, not copies: a lowered MLP owns nothing
    const flip = model.layers[4] as unknown as DenseReparam;
    expect(lowered.layers[1].weight.mu).toBe(flip.weight.mu);
    expect(lowered.layers[1].weight.rho).toBe(flip.weight.rho);
    expect(lowered.layers[0].weight.rho).toBeNull();
    model.dispose();
  });

  it('names every unsupported layer and lists the supported ones', () => {
    const s = new RandomStreams(1);
    const model = new Sequential([
      new ToImage(28, 28),
      new Conv2dReparam({ inChannels: 1, filters: 2, kernelSize: 5, rng: s.init }),
      new MaxPool2d(2),
      new Flatten(),
      new DenseReparam({ inputSize: 288, units: 10, rng: s.init }),
    ]);
    expect(() => lowerBayesianMlp(model)).toThrow(
      `exportBayesianMlp: layer 0 'to_image' (ToImage), layer 1 'conv2d_reparam' (Conv2dReparam), layer 2 'max_pool' (MaxPool2d) are not supported; supported layers: ${SUPPORTED_EXPORT_LAYERS}.`,
    );
    model.dispose();
  });

  it('refuses networks that do not map 784 pixels to 10 logits, naming the layer', () => {
    const s = new RandomStreams(2);
    const nine = bayesianMlp({ sizes: [784, 8, 9], rng: s.init });
    expect(() => lowerBayesianMlp(nine)).toThrow("the classifier signature needs 10 logits, but the last dense layer, layer 1 'layer2' (DenseLocalReparam), has 9 units.");
    const small = bayesianMlp({ sizes: [100, 10], estimator: 'flipout', rng: s.init });
    expect(() => lowerBayesianMlp(small)).toThrow("the classifier signature feeds 784 pixels, but the first dense layer, layer 0 'layer1' (DenseFlipout), takes 100 inputs.");
    const broken = new Sequential([new Dense({ inputSize: 784, units: 16, rng: s.init, name: 'a' }), new Dense({ inputSize: 15, units: 10, rng: s.init, name: 'b' })]);
    expect(() => lowerBayesianMlp(broken)).toThrow("layer 0 'a' (Dense) outputs 16 features but layer 1 'b' (Dense) takes 15.");
    const empty = new Sequential([new Flatten()]);
    expect(() => lowerBayesianMlp(empty)).toThrow('the model has no dense layers');
    for (const m of [nine, small, broken]) m.dispose();
  });

  it('refuses an activation before any dense layer and an activation without an ONNX mapping', () => {
    const s = new RandomStreams(3);
    const early = new Sequential([new Activation('relu'), new Dense({ inputSize: 784, units: 10, rng: s.init })]);
    expect(() => lowerBayesianMlp(early)).toThrow("layer 0 'relu' (Activation) comes before any dense layer");
    // a kind the Activation constructor would refuse today, as a future kind would arrive
    const gelu = Object.assign(Object.create(Activation.prototype) as Activation, { kind: 'gelu' as ActivationKind, name: 'gelu' });
    const future = new Sequential([new Dense({ inputSize: 784, units: 10, rng: s.init }), gelu]);
    expect(() => lowerBayesianMlp(future)).toThrow("layer 1 'gelu' (Activation) has activation 'gelu', which has no ONNX mapping; supported activations: relu, tanh, sigmoid, identity.");
    early.dispose();
    future.dispose();
  });
});
