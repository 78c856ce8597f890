import { lifInitialState, lifParameters, lifStep } from '@cristal/spiking';
import { tf, RandomStreams, assertNoTensorLeak, type Scalar, type Tensor, type Variable } from '@cristal/tensor';
import { loadMnist } from '@cristal/datasets';
import { HopfieldLookupClassifier } from './hopfield-lookup-classifier';
import { SpikingLookupClassifier, encoderThresholdMargin, resolveLifEncoder, type LifEncoderSettings } from './spiking-lookup-classifier';
import { accuracyOf, randomPixels, trainOnMnist } from './classifiers.test-helpers';
import { imageSetPixels } from './pixels';
import { flattenParameters } from '../layers/parameters';
import { gradientNorms, weightedSum } from '../layers/layers.test-helpers';
import { addBias, associateOne, matmul, maxAbsDiff, softmaxRow, toMatrix, type Matrix } from '../reference.test-helpers';
import type { LookupClassifierParameters } from './hopfield-lookup-classifier';

/**
 * The independent side: the encoder as T calls of @cristal/spiking's `lifStep` on the current
 * x W_p + b_p, the rate counts / T, then the lookup and readout as float64 loops of the formulas.
 * Also the per-row margin min |u_t - theta| (a spike can differ from the fused scan only near 0).
 */
function reference(params: LookupClassifierParameters, pixels: Tensor, beta: number, updateSteps: number, lif: LifEncoderSettings) {
  const { counts, margin } = tf.tidy(() => {
    const current = tf.add(tf.matMul(pixels, params.projection.weight), params.projection.bias);
    const p = lifParameters({ beta: lif.beta, threshold: lif.threshold, reset: lif.reset });
    let state = lifInitialState(current.shape[0] as number, current.shape[1] as number);
    let total: Tensor = tf.zerosLike(current);
    let m: Tensor = tf.fill([current.shape[0] as number], Infinity);
    for (let t = 0; t < lif.steps; t++) {
      const step = lifStep(current, state, p);
      state = step.state;
      total = tf.add(total, step.spikes);
      m = tf.minimum(m, tf.min(tf.abs(tf.sub(step.u, lif.threshold)), 1));
    }
    return { counts: total, margin: m };
  });
  const countRows = toMatrix(counts);
  const marginRows = Array.from(margin.dataSync());
  tf.dispose([counts, margin]);
  const rate = countRows.map((row) => row.map((c) => c / lif.steps));
  const [prototypes, values] = [toMatrix(params.lookup.prototypes), toMatrix(params.lookup.values)];
  const z = rate.map((r) => associateOne(r, prototypes, values, beta, updateSteps).output);
  const logits = addBias(matmul(z, toMatrix(params.readout.weight)), params.readout.bias.arraySync() as number[]);
  return { counts: countRows, rate, margin: marginRows, logits, probabilities: logits.map(softmaxRow) };
}

const rowsOf = (m: Matrix, rows: number[]) => rows.map((i) => m[i]);

describe('SpikingLookupClassifier', () => {
  const config = { hiddenSize: 24, prototypeCount: 9, valueSize: 5 };

  it.each<[string, number, Partial<LifEncoderSettings>]>([
    ['T 16, subtract, 0 query updates', 0, {}],
    ['T 8, reset to zero, beta 0.9, 2 query updates', 2, { steps: 8, reset: 'zero', beta: 0.9 }],
    ['T 5, no reset, theta 0.5', 1, { steps: 5, reset: 'none', threshold: 0.5 }],
  ])('equals lifStep T times + the dense lookup formula (%s) on rows away from threshold ties', (label, updateSteps, lifConfig) => {
    const model = new SpikingLookupClassifier({ ...config, updateSteps, beta: 1.5, lif: lifConfig }, new RandomStreams(1));
    // scale the projection up so the encoder neither stays silent nor saturates
    (model.params.projection.weight as Variable).assign(tf.tidy(() => tf.mul(model.params.projection.weight, 8)));
    const pixels = randomPixels(2, 40);
    const out = model.forward(pixels);
    const expected = reference(model.params, pixels, 1.5, updateSteps, model.lif);
    const kept = expected.margin.map((m, i) => (m >= 1e-4 ? i : -1)).filter((i) => i >= 0);
    const spikesPerRow = expected.counts.map((row) => row.reduce((a, b) => a + b, 0));
    console.log(`[spiking lookup] ${label}: ${kept.length}/40 rows away from ties, encoder spikes per row ${Math.min(...spikesPerRow)}-${Math.max(...spikesPerRow)} of ${24 * model.lif.steps}`);
    expect(out.logits.shape).toEqual([40, 10]);
    expect(out.attention.shape).toEqual([40, 9]);
    expect(out.rate.shape).toEqual([40, 24]);
    expect(kept.length).toBeGreaterThanOrEqual(36);
    expect(rowsOf(toMatrix(out.rate), kept)).toEqual(rowsOf(expected.rate, kept).map((r) => r.map(Math.fround)));
    expect(kept.map((i) => out.spikeCounts.dataSync()[i])).toEqual(kept.map((i) => spikesPerRow[i]));
    expect(maxAbsDiff(rowsOf(toMatrix(out.logits), kept), rowsOf(expected.logits, kept))).toBeLessThan(1e-5);
    expect(maxAbsDiff(rowsOf(toMatrix(out.probabilities), kept), rowsOf(expected.probabilities, kept))).toBeLessThan(1e-5);
    // the rates are informative: spread between silent and saturated
    expect(Math.max(...spikesPerRow)).toBeGreaterThan(Math.min(...spikesPerRow));
    expect(Math.max(...spikesPerRow)).toBeLessThan(24 * model.lif.steps);
    // the exported margin is the reference's (a spike flip would show here first)
    const margin = encoderThresholdMargin(model.params, pixels, model.lif);
    expect(maxAbsDiff(Array.from(margin.dataSync()), expected.margin)).toBeLessThan(1e-5);
    tf.dispose([pixels, margin, out.logits, out.probabilities, out.attention, out.rate, out.spikeCounts]);
    model.dispose();
  });

  it('gives the closed-form rates of integrate-and-fire neurons under constant currents', () => {
    // zero projection weight: neuron i gets the current b_i whatever the pixels. With beta = 1 and a
    // subtractive reset, 0 < I <= theta fires ceil(T I / theta) - 1 times in T steps (it fires at t
    // iff ceil(t I) > ceil((t - 1) I)); I > theta fires every step; I <= 0 never. Dyadic currents
    // keep the float32 arithmetic exact, ties u = theta included (0.25 reaches u = 1 at t = 4).
    const currents = [0.375, 0.25, 1.25, -0.5, 0.625, 1, 0];
    const counts = [5, 3, 16, 0, 9, 15, 0];
    const model = new SpikingLookupClassifier({ hiddenSize: 7, prototypeCount: 6, valueSize: 3, lif: { beta: 1 } }, new RandomStreams(4));
    (model.params.projection.weight as Variable).assign(tf.zeros([784, 7]));
    (model.params.projection.bias as Variable).assign(tf.tensor1d(currents));
    const pixels = randomPixels(3, 4);
    const out = model.forward(pixels);
    const rate = counts.map((c) => c / 16);
    expect(toMatrix(out.rate)).toEqual([rate, rate, rate, rate]);
    expect(Array.from(out.spikeCounts.dataSync())).toEqual(Array(4).fill(48));
    const expected = reference(model.params, pixels, model.settings.beta, 0, model.lif);
    expect(maxAbsDiff(toMatrix(out.probabilities), expected.probabilities)).toBeLessThan(1e-6);
    tf.dispose([pixels, out.logits, out.probabilities, out.attention, out.rate, out.spikeCounts]);
    model.dispose();
  });

  it('has exactly the dense twin parameters: the same seed draws the same weights as HopfieldLookupClassifier', () => {
    const spiking = new SpikingLookupClassifier({ ...config, lif: { steps: 4 } }, new RandomStreams(6), { name: 'twin-spiking' });
    const dense = new HopfieldLookupClassifier(config, new RandomStreams(6), { name: 'twin-dense' });
    const [a, b] = [flattenParameters(spiking.params), flattenParameters(dense.params)];
    expect(Object.keys(a)).toEqual(['projection/weight', 'projection/bias', 'lookup/prototypes', 'lookup/values', 'readout/weight', 'readout/bias']);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const key of Object.keys(a)) expect(Array.from(a[key].dataSync())).toEqual(Array.from(b[key].dataSync()));
    expect(spiking.settings).toEqual(dense.settings);
    spiking.dispose();
    dense.dispose();
  });

  it('passes surrogate gradients through the encoder to every variable', () => {
    const model = new SpikingLookupClassifier({ ...config, updateSteps: 1 }, new RandomStreams(3), { name: 'spiking-lookup-spec' });
    (model.params.projection.weight as Variable).assign(tf.tidy(() => tf.mul(model.params.projection.weight, 8)));
    const pixels = randomPixels(4, 6);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5], 'int32'), 10);
    const norms = gradientNorms(model.variables, () => tf.tidy(() => tf.losses.softmaxCrossEntropy(labels, model.forward(pixels).logits) as Scalar));
    expect(Object.keys(norms).sort()).toEqual(['projection/weight', 'projection/bias', 'lookup/prototypes', 'lookup/values', 'readout/weight', 'readout/bias'].map((n) => `spiking-lookup-spec/${n}`).sort());
    for (const n of Object.values(norms)) expect(n).toBeGreaterThan(1e-6);
    tf.dispose([pixels, labels]);
    model.dispose();
  });

  it('says what is wrong, before creating any variable, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const build = (extra: object) => () => new SpikingLookupClassifier({ ...config, ...extra }, new RandomStreams(1));
    expect(build({ prototypeCount: -3 })).toThrow('SpikingLookupClassifier: prototypeCount must be a positive integer, got -3.');
    expect(build({ lif: { steps: 0 } })).toThrow('SpikingLookupClassifier: lif.steps (time steps T) must be an integer >= 1, got 0.');
    expect(build({ lif: { beta: 1.2 } })).toThrow('SpikingLookupClassifier: lif.beta (membrane decay per step) must be in (0, 1], got 1.2.');
    expect(build({ lif: { threshold: 0 } })).toThrow('SpikingLookupClassifier: lif.threshold must be a finite positive number, got 0.');
    expect(build({ lif: { reset: 'soft' } })).toThrow('SpikingLookupClassifier: lif.reset must be "subtract", "zero" or "none", got "soft".');
    expect(build({ beta: -1 })).toThrow('SpikingLookupClassifier: beta (inverse temperature) must be a finite positive number, got -1.');
    expect(tf.memory().numTensors).toBe(before);
    expect(resolveLifEncoder({ steps: undefined, beta: 0.9 })).toMatchObject({ steps: 16, beta: 0.9, threshold: 1, reset: 'subtract', surrogate: { kind: 'fastSigmoid', slope: 25 } });
    const model = new SpikingLookupClassifier(config, new RandomStreams(1));
    const wrong = tf.zeros([784]);
    expect(() => model.forward(wrong)).toThrow('SpikingLookupClassifier: pixels must be [batch, 784] (flattened 28x28 images in [0, 1]), got [784].');
    const pixels = randomPixels(5, 3);
    assertNoTensorLeak(
      () => {
        model.predict(pixels).dispose();
        encoderThresholdMargin(model.params, pixels, model.lif).dispose();
        gradientNorms(model.variables, () => tf.tidy(() => weightedSum(model.forward(pixels).logits)));
      },
      { label: 'SpikingLookupClassifier' },
    );
    tf.dispose([wrong, pixels]);
    model.dispose();
  });

  // Smoke test, not a benchmark: the lookup classifier's (300 training images, 20 epochs of Adam,
  // lr 0.01, batches of 100), with the LIF encoder in front. Printed numbers are in the README.
  it('learns MNIST digits from 300 training images', () => {
    const te = imageSetPixels(loadMnist().test, 0, 300);
    const model = new SpikingLookupClassifier({ hiddenSize: 32, prototypeCount: 32, valueSize: 32 }, new RandomStreams(1));
    const probabilitiesBefore = model.predict(te.pixels);
    const before = accuracyOf(probabilitiesBefore, te.labels);
    const started = Date.now();
    const losses = trainOnMnist(model, { images: 300, epochs: 20 });
    const seconds = (Date.now() - started) / 1000;
    const probabilitiesAfter = model.predict(te.pixels);
    const after = accuracyOf(probabilitiesAfter, te.labels);
    const { spikeCounts } = tf.tidy(() => ({ spikeCounts: model.forward(te.pixels).spikeCounts }));
    const meanSpikes = tf.tidy(() => tf.mean(spikeCounts).dataSync()[0]);
    console.log(
      `[spiking lookup smoke] test accuracy ${before.toFixed(3)} -> ${after.toFixed(3)}, loss ${losses[0].toFixed(3)} -> ${losses[losses.length - 1].toFixed(3)}, ` +
        `${meanSpikes.toFixed(1)} encoder spikes per image (of ${32 * 16}), ${seconds.toFixed(1)} s`,
    );
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(0.6);
    expect(losses[losses.length - 1]).toBeLessThan(0.25 * losses[0]);
    tf.dispose([te.pixels, probabilitiesBefore, probabilitiesAfter, spikeCounts]);
    model.dispose();
  });
});
