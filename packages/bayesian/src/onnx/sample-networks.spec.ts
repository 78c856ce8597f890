import { tf, liveTensors, softmax, RandomStreams, type Tensor } from '@cristal/tensor';
import { Activation } from '../layers/activation';
import { Conv2d } from '../layers/conv2d';
import { Dense } from '../layers/dense';
import type { VariationalLayer } from '../layers/layer';
import { McDropout } from '../layers/mc-dropout';
import { normalNoise } from '../layers/noise';
import { Flatten, MaxPool2d, ToImage } from '../layers/reshape-layers';
import { Sequential } from '../models/sequential';
import { softplus } from '../posterior/softplus';
import { DROPOUT_MASK_STREAM, ENSEMBLE_STREAM } from './ensemble-streams';
import { checkDropoutFoldable, foldDropoutMasks } from './fold-dropout';
import { lowerBayesianNetwork } from './lowered-network';
import { disposePointNetworks, type PointNetwork } from './network-steps';
import { bayesianLenet, dropoutLenet, dropoutMlp, geometryLenet, reparamLenet, throughLayers } from './network-onnx.test-helpers';
import { posteriorMeanNetwork, sampleNetworkEnsemble } from './sample-networks';

const weights = (n: PointNetwork) => n.steps.flatMap((s) => (s.kind === 'conv' || s.kind === 'dense' ? [s.weight, ...(s.bias ? [s.bias] : [])] : []));
const values = (networks: PointNetwork[]) => networks.map((n) => weights(n).map((t) => Array.from(t.dataSync())));
const masksOf = (n: PointNetwork) => n.steps.flatMap((s) => (s.kind === 'dropout' && s.keep ? [Array.from(s.keep.dataSync())] : []));

describe('sampleNetworkEnsemble and posteriorMeanNetwork', () => {
  it('draws every conv kernel and dense weight as mu + softplus(rho) eps, eps from stream sampling in sample-major, layer, weight-then-bias order', () => {
    const model = bayesianLenet();
    const seed = 31;
    const networks = sampleNetworkEnsemble(model, 3, seed);
    const rng = new RandomStreams(seed).stream(ENSEMBLE_STREAM);
    const layers = [1, 4, 8, 9].map((i) => model.layers[i] as unknown as VariationalLayer);
    let worst = 0;
    for (const network of networks) {
      const sampled = weights(network);
      layers.forEach((layer, j) => {
        for (const [posterior, actual] of [
          [layer.weight, sampled[2 * j]],
          [layer.bias as NonNullable<typeof layer.bias>, sampled[2 * j + 1]],
        ] as const) {
          const eps = tf.tidy(() => normalNoise(rng, posterior.mu.shape).dataSync().slice());
          const mu = posterior.mu.dataSync();
          const rho = posterior.rho.dataSync();
          const a = actual.dataSync();
          expect(actual.shape).toEqual(posterior.mu.shape);
          for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - (mu[i] + softplus(rho[i]) * eps[i])));
        }
      });
    }
    expect(worst).toBeLessThan(1e-6);
    disposePointNetworks(networks);
    model.dispose();
  });

  it("is, for a reparameterised LeNet, the network of the model's own k-th sampling pass on that stream (the model's noise, its convolutions)", () => {
    const model = reparamLenet();
    const seed = 8;
    const networks = sampleNetworkEnsemble(model, 3, seed);
    const x = new RandomStreams(9).data.uniformTensor([16, 784]);
    const rng = new RandomStreams(seed).sampling;
    let worst = 0;
    for (const network of networks) {
      const diff = tf.tidy(() => {
        const own = softmax(model.call(x, rng, { mode: 'sample', kl: false }).output);
        const ref = throughLayers(model, network, x);
        return tf.max(tf.abs(tf.sub(own, ref))).dataSync()[0];
      });
      worst = Math.max(worst, diff);
    }
    console.log(`[bayesian onnx] LeNet ensemble sample vs the model's own sampling pass: max abs probability diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    disposePointNetworks(networks);
    x.dispose();
    model.dispose();
  });

  it('reproduces from the seed alone; sample k does not depend on K; another seed differs; point layers are one tensor shared by every sample', () => {
    const model = geometryLenet();
    const four = sampleNetworkEnsemble(model, 4, 5);
    const again = sampleNetworkEnsemble(model, 4, 5);
    const two = sampleNetworkEnsemble(model, 2, 5);
    const other = sampleNetworkEnsemble(model, 4, 6);
    expect(values(again)).toEqual(values(four));
    expect(values(two)).toEqual(values(four).slice(0, 2));
    expect(four.map(masksOf)).toEqual(again.map(masksOf));
    expect(two.map(masksOf)).toEqual(four.map(masksOf).slice(0, 2));
    expect(values(other)[0][2]).not.toEqual(values(four)[0][2]);
    expect(masksOf(other[0])).not.toEqual(masksOf(four[0]));
    // the point convolution (step 1) is the same tensor in every sample, equal to the layer's kernel
    const first = (n: PointNetwork) => n.steps[1];
    expect(four.every((n) => (first(n) as { weight: Tensor }).weight === (first(four[0]) as { weight: Tensor }).weight)).toBe(true);
    expect(Array.from((first(four[0]) as { weight: Tensor }).weight.dataSync())).toEqual(Array.from((model.layers[1] as Conv2d).kernel.dataSync()));
    for (const n of [four, again, two, other]) disposePointNetworks(n);
    model.dispose();
  });

  it('draws dropout masks from their own stream (keep when u >= rate), so they never shift the weight samples; keep rates are binomial', () => {
    const model = bayesianLenet();
    // the same layer objects with a dropout before the Flatten: the weight samples must not change
    const withDropout = new Sequential([...model.layers.slice(0, 7), new McDropout(0.3, 'drop'), ...model.layers.slice(7)]);
    const plain = sampleNetworkEnsemble(model, 3, 12);
    const dropped = sampleNetworkEnsemble(withDropout, 3, 12);
    expect(values(dropped)).toEqual(values(plain));
    const maskRng = new RandomStreams(12).stream(DROPOUT_MASK_STREAM);
    for (const n of dropped) expect(masksOf(n)).toEqual([Array.from(maskRng.fillUniform(new Float32Array(128)), (u) => (u >= Math.fround(0.3) ? 1 : 0))]);
    disposePointNetworks([...plain, ...dropped]);
    // keep frequencies over 200 samples of dropoutMlp's three masks (rates 0.5, 0.2, 0.1; 32, 16, 16 units)
    const mlp = dropoutMlp();
    const many = sampleNetworkEnsemble(mlp, 200, 3);
    const kept = [0, 0, 0];
    for (const n of many) masksOf(n).forEach((m, j) => (kept[j] += m.reduce((a, b) => a + b, 0)));
    [[0.5, 32], [0.2, 16], [0.1, 16]].forEach(([rate, units], j) => {
      const n = 200 * units;
      expect(Math.abs(kept[j] - (1 - rate) * n) / Math.sqrt(n * rate * (1 - rate))).toBeLessThan(4.5);
    });
    disposePointNetworks(many);
    mlp.dispose();
    model.dispose();
  });

  it('folding a mask into the next dense layer (rows W_i m_i / (1 - r)) gives the same function as applying it to the activations', () => {
    const x = new RandomStreams(10).data.uniformTensor([24, 784]);
    for (const model of [dropoutMlp(), dropoutLenet(), geometryLenet()]) {
      const networks = sampleNetworkEnsemble(model, 3, 4);
      const folded = networks.map(foldDropoutMasks);
      let worst = 0;
      let maskEffect = 0;
      const mean = posteriorMeanNetwork(model);
      networks.forEach((n, k) => {
        tf.tidy(() => {
          // masks on the activations (McDropout's own formula) against no masks at all and folded masks
          const masked = throughLayers(model, n, x);
          const viaWeights = throughLayers(model, folded[k], x);
          worst = Math.max(worst, tf.max(tf.abs(tf.sub(masked, viaWeights))).dataSync()[0]);
          maskEffect = Math.max(maskEffect, tf.max(tf.abs(tf.sub(masked, throughLayers(model, mean, x)))).dataSync()[0]);
        });
      });
      expect(folded.every((f) => f.steps.every((s) => s.kind !== 'dropout'))).toBe(true);
      expect(worst).toBeLessThan(1e-6);
      // the masks do change the network (for the variational geometryLenet, the weights too)
      expect(maskEffect).toBeGreaterThan(0.01);
      disposePointNetworks([...networks, ...folded, mean]);
      model.dispose();
    }
    x.dispose();
  });

  it('refuses a sampled dropout that no dense layer can absorb: before a convolution, pooling or an activation, or last', () => {
    const rng = new RandomStreams(11).init;
    const how = "export it with posterior { kind: 'mean' } (dropout off), or move the dropout before a dense layer.";
    const fold = 'its sampled masks fold only into a dense layer right after it (a Flatten may sit in between)';
    // a 28 x 28 kernel leaves one value per image: Flatten then a dense layer 1 -> 10
    const conv = () => new Conv2d({ inChannels: 1, filters: 1, kernelSize: 28, rng, name: 'c' });
    const head = () => [new Flatten(), new Dense({ inputSize: 1, units: 10, rng })];
    const cases: [Sequential, string][] = [
      [new Sequential([new McDropout(0.2, 'd'), new ToImage(28, 28), conv(), ...head()]), `exportBayesianNetwork: layer 0 'd' (McDropout) is followed by a convolution, which cannot absorb a mask per pixel and channel (layer 2 'c' (Conv2d)); ${fold}; ${how}`],
      [new Sequential([new ToImage(28, 28), new McDropout(0.2, 'd'), new MaxPool2d(28), ...head()]), `exportBayesianNetwork: layer 1 'd' (McDropout) is followed by max pooling (layer 2 'max_pool' (MaxPool2d)); ${fold}; ${how}`],
      [new Sequential([new Dense({ inputSize: 784, units: 10, rng }), new McDropout(0.2, 'd'), new Activation('relu'), new Dense({ inputSize: 10, units: 10, rng })]), `exportBayesianNetwork: layer 1 'd' (McDropout) is followed by an activation (layer 2 'relu' (Activation)); ${fold}; ${how}`],
      [new Sequential([new Dense({ inputSize: 784, units: 10, rng }), new McDropout(0.2, 'd')]), `exportBayesianNetwork: layer 1 'd' (McDropout) is the last layer, so there is no dense layer to fold its sampled masks into; ${how}`],
    ];
    for (const [model, message] of cases) {
      expect(() => checkDropoutFoldable(lowerBayesianNetwork(model), 'exportBayesianNetwork')).toThrow(message);
      model.dispose();
    }
    // a rate of 0 is the identity: nothing to fold, nothing to refuse
    const zero = new Sequential([new Dense({ inputSize: 784, units: 10, rng }), new McDropout(0, 'd')]);
    expect(() => checkDropoutFoldable(lowerBayesianNetwork(zero), 'x')).not.toThrow();
    zero.dispose();
  });

  it('posteriorMeanNetwork: the means, dropout off; networks free every tensor once, shared or not', () => {
    const model = geometryLenet();
    const before = liveTensors();
    const mean = posteriorMeanNetwork(model);
    const sampled = sampleNetworkEnsemble(model, 3, 1);
    const folded = sampled.map(foldDropoutMasks);
    expect(mean.steps.filter((s) => s.kind === 'dropout').map((s) => (s.kind === 'dropout' ? s.keep : 'x'))).toEqual([null]);
    const reparam = model.layers[3] as unknown as VariationalLayer;
    const step = mean.steps.find((s) => s.kind === 'conv' && s.estimator === 'reparam');
    expect(Array.from((step as { weight: Tensor }).weight.dataSync())).toEqual(Array.from(reparam.weight.mu.dataSync()));
    disposePointNetworks([mean, ...sampled, ...folded]);
    expect(liveTensors()).toBe(before);
    expect(() => sampleNetworkEnsemble(new Sequential([new Dense({ inputSize: 784, units: 10, rng: new RandomStreams(1).init })]), 2, 1)).toThrow(
      "ensemble: the model has no variational layers and no McDropout layers, so every sample would be the same network; export it with posterior { kind: 'mean' }.",
    );
    model.dispose();
  });
});
