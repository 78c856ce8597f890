import { tf, RandomStreams, liveTensors } from '@cristal/tensor';
import { Dense } from '../layers/dense';
import type { McDropout } from '../layers/mc-dropout';
import { normalNoise } from '../layers/noise';
import type { VariationalLayer } from '../layers/layer';
import { bayesianMlp } from '../models/bayesian-mlp';
import { Sequential } from '../models/sequential';
import { softplus } from '../posterior/softplus';
import { mixedModel, present, testMlp } from './bayesian-onnx.test-helpers';
import { ENSEMBLE_STREAM, sampleEnsembleWeights } from './ensemble-weights';
import { disposePointDenseLayers, pointDenseLogits, type PointDenseLayer } from './point-dense-layers';
import { posteriorMeanLayers } from './posterior-mean-layers';

const values = (members: PointDenseLayer[][]) => members.map((m) => m.map((l) => [Array.from(l.weight.dataSync()), l.bias ? Array.from(l.bias.dataSync()) : null]));

describe('sampleEnsembleWeights', () => {
  it('draws W_k = mu + softplus(rho) eps in the documented order: stream sampling, sample-major, layer order, weight then bias; dropout masks from stream dropout, folded into the next rows', () => {
    const model = mixedModel();
    const seed = 77;
    const members = sampleEnsembleWeights(model, 3, seed);
    // the documented order, replayed by hand; the deterministic layer (index 1) draws nothing
    const rng = new RandomStreams(seed).stream('sampling');
    const maskRng = new RandomStreams(seed).stream('dropout');
    const flip = model.layers[4] as unknown as VariationalLayer;
    const local = model.layers[7] as unknown as VariationalLayer;
    const point = model.layers[1] as Dense;
    const rate = (model.layers[3] as McDropout).rate;
    let worst = 0;
    // row scale: the McDropout(0.3) mask before the Flipout layer, 1 for the other layers
    const check = (actual: Float32Array, mu: Float32Array, rho: Float32Array, eps: Float32Array, rowScale: (i: number) => number = () => 1) => {
      for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - (mu[i] + softplus(rho[i]) * eps[i]) * rowScale(i)));
    };
    let dropped = 0;
    for (const m of members) {
      expect(Array.from(m[0].weight.dataSync())).toEqual(Array.from(point.kernel.dataSync()));
      const draw = (shape: number[]) => tf.tidy(() => (normalNoise(rng, shape).dataSync() as Float32Array).slice());
      const epsFlip = draw([48, 24]); // no bias: nothing else drawn for this layer
      const epsLocalW = draw([24, 10]);
      const epsLocalB = draw([10]);
      // McDropout's rule: keep when a float32 uniform u >= rate
      const keep = Array.from(maskRng.fillUniform(new Float32Array(48)), (u) => (u >= Math.fround(rate) ? 1 : 0));
      dropped += keep.filter((k) => k === 0).length;
      expect(m[1].bias).toBeNull();
      check(m[1].weight.dataSync() as Float32Array, flip.weight.mu.dataSync() as Float32Array, flip.weight.rho.dataSync() as Float32Array, epsFlip, (i) => keep[Math.floor(i / 24)] / (1 - rate));
      check(m[2].weight.dataSync() as Float32Array, local.weight.mu.dataSync() as Float32Array, local.weight.rho.dataSync() as Float32Array, epsLocalW);
      const localBias = present(local.bias, 'the local layer\'s bias');
      check(present(m[2].bias, 'member bias').dataSync() as Float32Array, localBias.mu.dataSync() as Float32Array, localBias.rho.dataSync() as Float32Array, epsLocalB);
    }
    expect(ENSEMBLE_STREAM).toBe('sampling');
    expect(worst).toBeLessThan(1e-6);
    // about 30% of 3 x 48 rows dropped: the masks are really applied
    expect(dropped).toBeGreaterThan(20);
    expect(dropped).toBeLessThan(70);
    expect(members.map((m) => m.map((l) => l.activations))).toEqual(Array(3).fill([['tanh'], ['sigmoid', 'relu'], []]));
    disposePointDenseLayers(members);
    model.dispose();
  });

  it("is the weight sample a DenseReparam model draws in its k-th sampling pass on the same stream", () => {
    const model = testMlp('reparam');
    const seed = 2024;
    const members = sampleEnsembleWeights(model, 4, seed);
    const x = new RandomStreams(9).data.uniformTensor([20, 784]);
    const rng = new RandomStreams(seed).sampling;
    let worst = 0;
    for (const m of members) {
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.call(x, rng, { mode: 'sample', kl: false }).output, pointDenseLogits(m, x)))).dataSync()[0]);
      worst = Math.max(worst, diff);
    }
    console.log(`[bayesian onnx] ensemble sample vs DenseReparam sampling pass: max abs logit diff ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-5);
    // and the samples really differ from each other and from the mean
    const mean = posteriorMeanLayers(model);
    const spread = tf.tidy(() => tf.max(tf.abs(tf.sub(members[0][0].weight, members[1][0].weight))).dataSync()[0]);
    const offMean = tf.tidy(() => tf.max(tf.abs(tf.sub(members[0][0].weight, mean[0].weight))).dataSync()[0]);
    expect(spread).toBeGreaterThan(0.1);
    expect(offMean).toBeGreaterThan(0.1);
    disposePointDenseLayers(members);
    disposePointDenseLayers(mean);
    x.dispose();
    model.dispose();
  });

  it('reproduces from the seed alone; sample k does not depend on K; another seed gives other samples', () => {
    const model = testMlp('flipout');
    const five = sampleEnsembleWeights(model, 5, 3);
    const again = sampleEnsembleWeights(model, 5, 3);
    const three = sampleEnsembleWeights(model, 3, 3);
    const other = sampleEnsembleWeights(model, 5, 4);
    expect(values(again)).toEqual(values(five));
    expect(values(three)).toEqual(values(five).slice(0, 3));
    expect(values(other)[0][0][0]).not.toEqual(values(five)[0][0][0]);
    for (const m of [five, again, three, other]) disposePointDenseLayers(m);
    model.dispose();
  });

  it('has the posterior moments: (W - mu) / softplus(rho) has mean 0 and variance 1 over the samples', () => {
    // unequal scales per weight, so a wrong scale (rho itself, a variance, one shared sigma) shows
    const model = bayesianMlp({ sizes: [784, 10], estimator: 'local-reparam', rhoInit: -2, rng: new RandomStreams(6).init });
    const layer = model.layers[0] as unknown as VariationalLayer;
    const rhoValues = new RandomStreams(7).init.uniformTensor([784, 10], -4, 0);
    layer.weight.rho.assign(rhoValues);
    const K = 64;
    const members = sampleEnsembleWeights(model, K, 8);
    const mu = layer.weight.mu.dataSync();
    const rho = layer.weight.rho.dataSync();
    let sum = 0;
    let sumSq = 0;
    for (const m of members) {
      const w = m[0].weight.dataSync();
      for (let i = 0; i < w.length; i++) {
        const z = (w[i] - mu[i]) / softplus(rho[i]);
        sum += z;
        sumSq += z * z;
      }
    }
    const n = K * mu.length;
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // standard errors: 1/sqrt(n) for the mean, sqrt(2/n) for the variance of a standard normal
    expect(Math.abs(mean) / Math.sqrt(1 / n)).toBeLessThan(4.5);
    expect(Math.abs(variance - 1) / Math.sqrt(2 / n)).toBeLessThan(4.5);
    disposePointDenseLayers(members);
    rhoValues.dispose();
    model.dispose();
  });

  it('refuses bad sizes and seeds, and a model with nothing to sample', () => {
    const model = testMlp('reparam');
    expect(() => sampleEnsembleWeights(model, 0, 1)).toThrow('ensemble: samples must be a positive integer (the number K of weight samples), got 0.');
    expect(() => sampleEnsembleWeights(model, 2.5, 1)).toThrow('got 2.5');
    expect(() => sampleEnsembleWeights(model, 2, -1)).toThrow('ensemble: seed must be a non-negative safe integer (it is recorded in the file to reproduce the samples), got -1.');
    const plain = new Sequential([new Dense({ inputSize: 784, units: 10, rng: new RandomStreams(1).init })]);
    expect(() => sampleEnsembleWeights(plain, 2, 1)).toThrow("ensemble: the model has no variational layers and no McDropout layers, so every sample would be the same network; export it with posterior { kind: 'mean' }.");
    plain.dispose();
    model.dispose();
  });

  it('leaves no tensors behind once the members are disposed', () => {
    const model = testMlp('local-reparam');
    const before = liveTensors();
    const members = sampleEnsembleWeights(model, 3, 1);
    expect(liveTensors() - before).toBe(3 * 3 * 2);
    disposePointDenseLayers(members);
    const mean = posteriorMeanLayers(model);
    disposePointDenseLayers(mean);
    expect(liveTensors()).toBe(before);
    model.dispose();
  });
});
