import { tf, assertNoTensorLeak, oneHot, RandomStreams, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture } from './architecture';
import { assertNoAutodiff, detectAutodiff } from './autodiff-guard';
import { pcEnergy } from './energy';
import { disposeRelaxation, relax } from './inference';
import { localGradients } from './local-updates';
import { initPcParams, paramTensors } from './params';
import { resolvePcOptions, type PcOptionsInput } from './pc-options';
import { pcTrainingStep } from './pc-step';
import { PcTrainer } from './pc-trainer';
import { ParamOptimizer, trainableParams, type OptimizerSpec } from './optimizer';

const architecture = pcArchitecture([12, 10, 8, 4], 'tanh');

function batch(seed: number, size = 16): { x: Tensor2D; y: Tensor2D } {
  const rng = new RandomStreams(seed);
  const x = rng.data.uniformTensor([size, 12]) as Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: size }, () => rng.data.int(4)), 'int32');
  const y = oneHot(labels, 4) as Tensor2D;
  labels.dispose();
  return { x, y };
}

function flat(trainer: PcTrainer): number[] {
  const s = trainer.snapshot();
  return [...s.weights.flatMap((w) => Array.from(w)), ...s.biases.flatMap((b) => Array.from(b))];
}

const modes: [string, PcOptionsInput, OptimizerSpec][] = [
  ['standard, SGD', {}, { kind: 'sgd', learningRate: 0.05 }],
  ['standard, Adam', {}, { kind: 'adam', learningRate: 0.01 }],
  ['fixed predictions', { predictions: 'fixed' }, { kind: 'sgd', learningRate: 0.05 }],
  ['nudged output', { target: { kind: 'nudged', precision: 0.1 } }, { kind: 'sgd', learningRate: 0.05 }],
  ['momentum', { momentum: 0.5 }, { kind: 'sgd', learningRate: 0.05 }],
  ['incremental, Adam', { incremental: true, inferenceSteps: 5 }, { kind: 'adam', learningRate: 0.01 }],
];

describe('locality: a PC training step never uses automatic differentiation', () => {
  it.each(modes)('%s', (_name, pc, optimizer) => {
    const trainer = new PcTrainer({ architecture, seed: 1, pc, optimizer });
    const { x, y } = batch(2);
    const before = flat(trainer);
    const { use } = detectAutodiff(() => trainer.step(x, y, true));
    expect(use).toEqual({ tapesStarted: 0, tapeNodes: 0, customGradients: 0 });
    expect(flat(trainer)).not.toEqual(before); // it did train
    tf.dispose([x, y]);
    trainer.dispose();
  });

  it('the detector fires on a step that takes the weight gradients of the energy by tf.grads instead of the local rule (which they equal)', () => {
    const params = initPcParams(architecture, 3);
    const options = resolvePcOptions(architecture);
    const { x, y } = batch(4);
    const relaxed = relax(params, architecture, x, y, options);
    // the cheat: dF̄/dθ at the relaxed state by autodiff
    const cheat = () =>
      tf.grads((...theta: Tensor[]) => {
        const L = params.weights.length;
        const energy = pcEnergy({ weights: theta.slice(0, L) as Tensor2D[], biases: theta.slice(L) as Tensor1D[] }, architecture, { valueNodes: relaxed.valueNodes, target: y }, options);
        return tf.div(energy, x.shape[0]);
      })(paramTensors(params));
    const cheated = detectAutodiff(cheat);
    expect(cheated.use.tapesStarted).toBe(1);
    expect(() => assertNoAutodiff(cheat, 'a tf.grads step')).toThrow(/a tf.grads step used automatic differentiation/);
    // the local rule computes the same numbers without a tape (analytic vs autodiff)
    const local = detectAutodiff(() => localGradients(params, architecture, relaxed, options));
    expect(local.use.tapesStarted + local.use.tapeNodes).toBe(0);
    const a = paramTensors(local.result).flatMap((t) => Array.from(t.dataSync()));
    const b = cheated.result.flatMap((t) => Array.from(t.dataSync()));
    const maxAbs = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    const scale = Math.max(...b.map(Math.abs));
    expect(maxAbs).toBeLessThan(1e-6 * Math.max(1, scale));
    tf.dispose([...paramTensors(local.result), ...cheated.result, ...paramTensors(params), x, y]);
    disposeRelaxation(relaxed);
  });
});

describe('PcTrainer', () => {
  it('(f) determinism: the same seed and batches give bit-identical weights after a few steps; another seed does not', () => {
    const run = (seed: number, pc: PcOptionsInput) => {
      const trainer = new PcTrainer({ architecture, seed, pc, optimizer: { kind: 'adam', learningRate: 0.01 } });
      for (let i = 0; i < 3; i++) {
        const { x, y } = batch(10 + i);
        trainer.step(x, y);
        tf.dispose([x, y]);
      }
      const w = flat(trainer);
      trainer.dispose();
      return w;
    };
    for (const pc of [{}, { incremental: true, inferenceSteps: 4 }] as PcOptionsInput[]) {
      const a = run(7, pc);
      expect(run(7, pc)).toEqual(a);
      expect(run(8, pc)).not.toEqual(a);
    }
  });

  it('learns: 40 Adam steps on a fixed batch cut the squared error of the feedforward prediction', () => {
    const trainer = new PcTrainer({ architecture, seed: 5, optimizer: { kind: 'adam', learningRate: 0.01 } });
    const { x, y } = batch(6, 32);
    const error = () => tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(y, trainer.predict(x))), 1)).dataSync()[0]);
    const before = error();
    for (let i = 0; i < 40; i++) trainer.step(x, y);
    const after = error();
    console.log(`PcTrainer on a fixed batch: mean squared error ${before.toFixed(4)} -> ${after.toFixed(4)} after 40 Adam steps`);
    expect(after).toBeLessThan(0.5 * before);
    tf.dispose([x, y]);
    trainer.dispose();
  });

  it('applies Adam to the local gradients: the first step is -lr g / (|g| + eps) (bias-corrected moments m = g, v = g^2)', () => {
    const lr = 0.01;
    const trainer = new PcTrainer({ architecture, seed: 9, optimizer: { kind: 'adam', learningRate: lr } });
    const { x, y } = batch(3);
    const before = flat(trainer);
    const { gradients } = pcTrainingStep(trainer.params, architecture, x, y, trainer.options);
    const g = paramTensors(gradients).flatMap((t) => Array.from(t.dataSync()));
    trainer.step(x, y);
    const after = flat(trainer);
    const maxErr = Math.max(...after.map((w, i) => Math.abs(w - (before[i] - (lr * g[i]) / (Math.abs(g[i]) + 1e-8)))));
    expect(maxErr).toBeLessThan(1e-6);
    tf.dispose([...paramTensors(gradients), x, y]);
    trainer.dispose();
  });

  it('keeps tf.memory().numTensors flat over many steps, in every mode', () => {
    for (const [name, pc, optimizer] of modes) {
      const trainer = new PcTrainer({ architecture, seed: 1, pc, optimizer });
      const { x, y } = batch(2);
      assertNoTensorLeak((i) => trainer.step(x, y, i % 3 === 0), { iterations: 10, warmup: 2, label: `PcTrainer.step (${name})` });
      assertNoTensorLeak(() => trainer.predict(x).dispose(), { label: 'PcTrainer.predict' });
      tf.dispose([x, y]);
      trainer.dispose();
    }
  });

  it('ParamOptimizer refuses gradients that do not fit the parameters', () => {
    const initial = initPcParams(architecture, 0);
    const params = trainableParams(initial);
    const optimizer = new ParamOptimizer(params, { kind: 'sgd', learningRate: 0.1 });
    const wrong = initPcParams(pcArchitecture([12, 9, 8, 4], 'tanh'), 0);
    expect(() => optimizer.apply(wrong)).toThrow(/Gradient of shape \[12, 9\] does not fit parameter of shape \[12, 10\]/);
    tf.dispose([...paramTensors(initial), ...paramTensors(params), ...paramTensors(wrong)]);
  });

  it('rejects bad configuration and bad batches with messages that say what to change', () => {
    expect(() => new PcTrainer({ architecture, seed: 1, optimizer: { kind: 'sgd', learningRate: 0 } })).toThrow(/learningRate must be a positive number/);
    expect(() => new PcTrainer({ architecture, seed: 1, optimizer: { kind: 'rmsprop' } as unknown as OptimizerSpec })).toThrow(/optimizer.kind must be 'sgd' or 'adam'/);
    expect(() => new PcTrainer({ architecture, seed: -1 })).toThrow(/seed must be a non-negative integer/);
    expect(() => new PcTrainer({ architecture, seed: 1, pc: { precisions: [1, 1] } })).toThrow(/one value per predicted layer.*3 values/);
    expect(() => new PcTrainer({ architecture, seed: 1, pc: { predictions: 'fixed', incremental: true } })).toThrow(/predictions: 'recomputed' with incremental: true/);
    const trainer = new PcTrainer({ architecture, seed: 1 });
    const x = tf.zeros([4, 12]) as Tensor2D;
    const labels = tf.zeros([4, 4], 'int32') as Tensor2D;
    expect(() => trainer.step(x, labels)).toThrow(/target must be float32, got int32/);
    tf.dispose([x, labels]);
    trainer.dispose();
  });
});
