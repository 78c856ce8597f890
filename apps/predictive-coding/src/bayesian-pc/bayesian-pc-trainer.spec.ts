import { tf, assertNoTensorLeak, oneHot, RandomStreams, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture } from '../pc/architecture';
import { predict } from '../pc/feedforward';
import { disposeRelaxation, relax } from '../pc/inference';
import { disposePcParams, paramTensors, readParams } from '../pc/params';
import { resolvePcOptions } from '../pc/pc-options';
import { bayesianPredictive } from './bayesian-predictive';
import { BayesianPcTrainer } from './bayesian-pc-trainer';
import { beliefStatistics } from './belief-statistics';

function batch(seed: number, inputs: number, classes: number, size: number): { x: Tensor2D; y: Tensor2D } {
  const rng = new RandomStreams(seed);
  const x = rng.data.uniformTensor([size, inputs]) as Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: size }, () => rng.data.int(classes)), 'int32');
  const y = oneHot(labels, classes) as Tensor2D;
  labels.dispose();
  return { x, y };
}

/** A separable toy task: the class is the argmax of W* x for a fixed random W*. */
function toyTask(seed: number, size: number): { x: Tensor2D; y: Tensor2D } {
  return tf.tidy(() => {
    const rng = new RandomStreams(seed);
    const x = rng.data.uniformTensor([size, 8], -1, 1) as Tensor2D;
    const teacher = new RandomStreams(1234).init.normalTensor([8, 3]);
    const y = oneHot(tf.argMax(tf.matMul(x, teacher), 1), 3) as Tensor2D;
    return { x, y };
  });
}

const flatState = (t: BayesianPcTrainer) => {
  const s = t.getState();
  return [...s.diagonal.flatMap((d) => [...d.mean, ...d.precision, ...d.biasMean, ...d.biasPrecision]), ...(s.conjugate ? [...s.conjugate.precision, ...s.conjugate.mean] : [])];
};

describe('BayesianPcTrainer', () => {
  const architecture = pcArchitecture([8, 6, 3], 'tanh');

  it('one step on a [1, 1] network (no hidden layer, no inference) is the exact one-weight posterior, through the whole pipeline', () => {
    const tiny = pcArchitecture([1, 1], 'linear');
    const trainer = new BayesianPcTrainer({ architecture: tiny, seed: 4, pc: { precisions: 3 }, beliefs: { priorPrecision: 2 } });
    const before = trainer.getState().diagonal[0];
    const [m0, b0] = [before.mean[0], before.biasMean[0]];
    const [a, x] = [0.8, -1.1];
    const input = tf.tensor2d([[a]]) as Tensor2D;
    const target = tf.tensor2d([[x]]) as Tensor2D;
    trainer.step(input, target);
    const after = trainer.getState().diagonal[0];
    // weight: N(m0, 1/2) prior, datum x = a w + b0 + noise of precision 3 (b at its mean)
    expect(after.precision[0]).toBeCloseTo(2 + 3 * a * a, 5);
    expect(after.mean[0]).toBeCloseTo((2 * m0 + 3 * a * (x - b0)) / (2 + 3 * a * a), 5);
    tf.dispose([input, target]);
    trainer.dispose();
  });

  it('the updates use the converged activities: the precision gain is pi sum_b f(x_l)^2 at the relaxed value nodes', () => {
    const trainer = new BayesianPcTrainer({ architecture, seed: 2, pc: { inferenceSteps: 7, precisions: [1, 2] } });
    const { x, y } = batch(5, 8, 3, 10);
    const means = trainer.meanParams();
    const options = resolvePcOptions(architecture, { inferenceSteps: 7, precisions: [1, 2] });
    const r = relax(means, architecture, x, y, options);
    const stats = beliefStatistics(means, architecture, r.valueNodes, r.feedforward, options);
    const h = stats.presynaptic[1].arraySync() as number[][];
    const priorPrecision = trainer.getState().diagonal[1].precision[0];
    trainer.step(x, y);
    const precision = trainer.getState().diagonal[1].precision;
    for (let i = 0; i < 6; i++) expect(precision[i * 3]).toBeCloseTo(priorPrecision + 2 * h.reduce((s, row) => s + row[i] ** 2, 0), 3);
    tf.dispose([...stats.errors, ...stats.presynaptic.slice(1), x, y]);
    disposeRelaxation(r);
    disposePcParams(means);
    trainer.dispose();
  });

  it('conjugate last layer: after a step its belief is the closed-form regression of the clamped output on the relaxed penultimate activities', () => {
    const trainer = new BayesianPcTrainer({ architecture, seed: 2, pc: { inferenceSteps: 5 }, beliefs: { lastLayer: 'conjugate', priorPrecision: [8, 0.5] } });
    const { x, y } = batch(6, 8, 3, 12);
    const means = trainer.meanParams();
    const options = resolvePcOptions(architecture, { inferenceSteps: 5 });
    const r = relax(means, architecture, x, y, options);
    const stats = beliefStatistics(means, architecture, r.valueNodes, r.feedforward, options);
    const phi = (stats.presynaptic[1].arraySync() as number[][]).map((row) => [...row, 1]);
    trainer.step(x, y);
    const c = trainer.getState().conjugate as NonNullable<ReturnType<BayesianPcTrainer['getState']>['conjugate']>;
    for (let i = 0; i < 7; i++) for (let k = 0; k < 7; k++) expect(c.precision[i * 7 + k]).toBeCloseTo((i === k ? 0.5 : 0) + phi.reduce((s, row) => s + row[i] * row[k], 0), 4);
    // and the mean weights of the last layer are M (float32 copies)
    const m = trainer.meanParams();
    const w = readParams(m).weights[1];
    w.forEach((v, i) => expect(v).toBeCloseTo(c.mean[i], 6));
    tf.dispose([...stats.errors, ...stats.presynaptic.slice(1), x, y]);
    disposeRelaxation(r);
    [means, m].forEach(disposePcParams);
    trainer.dispose();
  });

  it('predictive is the mean over the K samples of softmax(x̄_L); rows sum to 1; sample k does not depend on K', () => {
    const trainer = new BayesianPcTrainer({ architecture, seed: 3, pc: { output: 'categorical' } });
    const { x, y } = batch(7, 8, 3, 16);
    for (let i = 0; i < 3; i++) trainer.step(x, y);
    const p = trainer.predictive(x, 5, 99);
    const samples = trainer.sampleWeights(5, 99);
    const manual = tf.tidy(() => samples.map((s) => tf.softmax(predict(s, architecture, x)).arraySync() as number[][]));
    const rows = p.arraySync() as number[][];
    rows.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      row.forEach((v, j) => expect(v).toBeCloseTo(manual.reduce((s, m) => s + m[i][j], 0) / 5, 6));
    });
    const fewer = trainer.sampleWeights(2, 99);
    fewer.forEach((s, k) => expect(Array.from(paramTensors(s)[0].dataSync())).toEqual(Array.from(paramTensors(samples[k])[0].dataSync())));
    // the samples differ from one another and from the mean
    expect(Array.from(samples[0].weights[0].dataSync())).not.toEqual(Array.from(samples[1].weights[0].dataSync()));
    tf.dispose([p, x, y]);
    [...samples, ...fewer].forEach(disposePcParams);
    trainer.dispose();
  });

  it('diagonal samples are m + z / sqrt(lambda): (W - m) sqrt(lambda) has mean 0 and variance 1 over all weights of 40 samples', () => {
    const trainer = new BayesianPcTrainer({ architecture, seed: 3 });
    const { x, y } = batch(8, 8, 3, 16);
    trainer.step(x, y);
    const state = trainer.getState().diagonal;
    const samples = trainer.sampleWeights(40, 1);
    const z: number[] = [];
    samples.forEach((s) => {
      const values = readParams(s);
      state.forEach((layer, l) => {
        values.weights[l].forEach((w, i) => z.push((w - layer.mean[i]) * Math.sqrt(layer.precision[i])));
        values.biases[l].forEach((b, i) => z.push((b - layer.biasMean[i]) * Math.sqrt(layer.biasPrecision[i])));
      });
    });
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean) * Math.sqrt(z.length)).toBeLessThan(4.5);
    expect(Math.abs(variance - 1) / Math.sqrt(2 / z.length)).toBeLessThan(4.5);
    samples.forEach(disposePcParams);
    tf.dispose([x, y]);
    trainer.dispose();
  });

  it('determinism: the same seed and batches give bit-identical beliefs and predictive; another seed does not', () => {
    const run = (seed: number) => {
      const t = new BayesianPcTrainer({ architecture, seed, pc: { output: 'categorical' }, beliefs: { forgetting: 0.99 } });
      for (let i = 0; i < 3; i++) {
        const { x, y } = batch(20 + i, 8, 3, 12);
        t.step(x, y);
        tf.dispose([x, y]);
      }
      const { x } = batch(30, 8, 3, 12);
      const p = Array.from(t.predictive(x, 4).dataSync());
      tf.dispose(x);
      const state = flatState(t);
      t.dispose();
      return { p, state };
    };
    const [a, b, c] = [run(1), run(1), run(2)];
    expect(Buffer.from(Float64Array.from(a.state).buffer).equals(Buffer.from(Float64Array.from(b.state).buffer))).toBe(true);
    expect(a.p).toEqual(b.p);
    expect(a.p).not.toEqual(c.p);
  });

  it('getState / setState resume exactly (diagonal and conjugate)', () => {
    for (const lastLayer of ['diagonal', 'conjugate'] as const) {
      const make = () => new BayesianPcTrainer({ architecture, seed: 9, beliefs: { lastLayer, solveEvery: 2 } });
      const [a, b] = [make(), make()];
      const batches = [0, 1, 2, 3].map((i) => batch(40 + i, 8, 3, 10));
      a.step(batches[0].x, batches[0].y);
      a.step(batches[1].x, batches[1].y);
      b.setState(JSON.parse(JSON.stringify(a.getState(), (_k, v: unknown) => (v instanceof Float32Array || v instanceof Float64Array ? { typed: v.constructor.name, data: Array.from(v) } : v)), (_k, v: { typed?: string; data?: number[] }) =>
        v && v.typed ? (v.typed === 'Float32Array' ? Float32Array.from(v.data as number[]) : Float64Array.from(v.data as number[])) : v,
      ));
      for (const t of [a, b]) {
        t.step(batches[2].x, batches[2].y);
        t.step(batches[3].x, batches[3].y);
      }
      expect(flatState(b)).toEqual(flatState(a));
      expect(b.updateCount).toBe(4);
      batches.forEach(({ x, y }) => tf.dispose([x, y]));
      [a, b].forEach((t) => t.dispose());
    }
    const diagonal = new BayesianPcTrainer({ architecture, seed: 9 });
    const conjugate = new BayesianPcTrainer({ architecture, seed: 9, beliefs: { lastLayer: 'conjugate' } });
    expect(() => diagonal.setState(conjugate.getState())).toThrow(/use the same lastLayer option/);
    const other = new BayesianPcTrainer({ architecture: pcArchitecture([8, 5, 3], 'tanh'), seed: 9 });
    expect(() => other.setState(diagonal.getState())).toThrow(/layer 0 mean has 48 entries, expected 40/);
    [diagonal, conjugate, other].forEach((t) => t.dispose());
  });

  it('learns a separable toy task (categorical output): accuracy up, NLL down', () => {
    const trainer = new BayesianPcTrainer({ architecture, seed: 1, pc: { output: 'categorical', inferenceSteps: 10 } });
    const test = toyTask(99, 200);
    const score = () =>
      tf.tidy(() => {
        const p = trainer.predictive(test.x, 8);
        const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(test.y, 1)), 'float32')).dataSync()[0];
        const nll = -tf.mean(tf.sum(tf.mul(test.y, tf.log(tf.add(p, 1e-12))), 1)).dataSync()[0];
        return { accuracy, nll };
      });
    const before = score();
    for (let i = 0; i < 60; i++) {
      const { x, y } = toyTask(i, 32);
      trainer.step(x, y);
      tf.dispose([x, y]);
    }
    const after = score();
    console.log(`Bayesian PC, toy 8-6-3 task, 60 batches of 32: accuracy ${before.accuracy.toFixed(3)} -> ${after.accuracy.toFixed(3)}, NLL ${before.nll.toFixed(3)} -> ${after.nll.toFixed(3)}`);
    expect(after.accuracy).toBeGreaterThan(0.8);
    expect(after.accuracy).toBeGreaterThan(before.accuracy + 0.2);
    expect(after.nll).toBeLessThan(before.nll);
    tf.dispose([test.x, test.y]);
    trainer.dispose();
  });

  it('keeps numTensors flat: step (both last layers, energies), predictive, sampling, setState', () => {
    for (const lastLayer of ['diagonal', 'conjugate'] as const) {
      const trainer = new BayesianPcTrainer({ architecture, seed: 1, beliefs: { lastLayer } });
      const { x, y } = batch(3, 8, 3, 8);
      trainer.step(x, y);
      assertNoTensorLeak(() => trainer.step(x, y), { iterations: 5, label: `BayesianPcTrainer.step (${lastLayer})` });
      assertNoTensorLeak(() => trainer.step(x, y, true), { iterations: 2, label: 'BayesianPcTrainer.step (energies)' });
      assertNoTensorLeak(() => trainer.predictive(x, 3).dispose(), { label: 'BayesianPcTrainer.predictive' });
      assertNoTensorLeak(() => trainer.predictMean(x).dispose(), { label: 'BayesianPcTrainer.predictMean' });
      assertNoTensorLeak(() => trainer.setState(trainer.getState()), { label: 'BayesianPcTrainer.setState' });
      assertNoTensorLeak(() => trainer.sampleWeights(3).forEach(disposePcParams), { label: 'sampleWeights' });
      const fixed = new BayesianPcTrainer({ architecture: pcArchitecture([8, 6, 3], 'linear'), seed: 1, pc: { predictions: 'fixed', output: 'categorical' } });
      assertNoTensorLeak(() => fixed.step(x, y), { iterations: 3, label: 'BayesianPcTrainer.step (linear, fixed, categorical)' });
      fixed.dispose();
      tf.dispose([x, y]);
      trainer.dispose();
    }
    const drawn = (() => {
      const t = new BayesianPcTrainer({ architecture, seed: 1 });
      const s = t.sampleWeights(2);
      t.dispose();
      return s;
    })();
    const { x } = batch(3, 8, 3, 4);
    assertNoTensorLeak(() => bayesianPredictive(drawn, architecture, x).dispose(), { label: 'bayesianPredictive' });
    drawn.forEach(disposePcParams);
    x.dispose();
  });

  it('Langevin inference: temperature 0 with one sample is deterministic inference bit for bit; temperature 1 is seeded and different', () => {
    const run = (inference: ConstructorParameters<typeof BayesianPcTrainer>[0]['inference'], seed = 4) => {
      const t = new BayesianPcTrainer({ architecture, seed, pc: { inferenceSteps: 12 }, inference });
      for (let i = 0; i < 3; i++) {
        const { x, y } = batch(60 + i, 8, 3, 10);
        t.step(x, y);
        tf.dispose([x, y]);
      }
      const state = flatState(t);
      t.dispose();
      return state;
    };
    const deterministic = run({ kind: 'deterministic' });
    expect(run({ kind: 'langevin', temperature: 0, burnIn: 0, samples: 1 })).toEqual(deterministic);
    const hot = run({ kind: 'langevin', temperature: 1, burnIn: 4, samples: 8 });
    expect(run({ kind: 'langevin', temperature: 1, burnIn: 4, samples: 8 })).toEqual(hot);
    expect(hot).not.toEqual(deterministic);
    expect(run({ kind: 'langevin', temperature: 1, burnIn: 4, samples: 8 }, 5)).not.toEqual(hot);
    // a sample mean over 8 steps of a temperature-0 chain is not the final state, so the updates differ too
    expect(run({ kind: 'langevin', temperature: 0, burnIn: 4, samples: 8 })).not.toEqual(deterministic);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, pc: { inferenceSteps: 5 }, inference: { kind: 'langevin', temperature: 1, burnIn: 4, samples: 4 } })).toThrow(/raise inferenceSteps to at least 8/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, inference: { kind: 'gibbs' } as never })).toThrow(/inference.kind must be 'deterministic' or 'langevin'/);
  });

  it('rejects options that do not fit, saying what to use', () => {
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, pc: { output: 'categorical' }, beliefs: { lastLayer: 'conjugate' } })).toThrow(/needs the linear-Gaussian squared-error output/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, pc: { incremental: true } })).toThrow(/set incremental: false/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, pc: { target: { kind: 'nudged', precision: 0.1 } } })).toThrow(/use target: \{ kind: 'clamped' \}/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, beliefs: { forgetting: 0 } })).toThrow(/forgetting \(rho\) must be in \(0, 1\]/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, beliefs: { priorPrecision: [1, 2, 3] } })).toThrow(/one value per weight layer \(2 for sizes \[8, 6, 3\]\), got 3/);
    expect(() => new BayesianPcTrainer({ architecture, seed: 0, beliefs: { solveEvery: 0 } })).toThrow(/solveEvery must be a positive integer/);
    const t = new BayesianPcTrainer({ architecture, seed: 0 });
    expect(() => t.sampleWeights(0)).toThrow(/samples \(K\) must be a positive integer/);
    t.dispose();
  });
});
