import * as fs from 'node:fs';
import * as path from 'node:path';
import { createImageSet, type ImageSet } from '@cristal/datasets';
import { RandomStream, tf, type Scalar, type Tensor2D, type Variable } from '@cristal/tensor';
import { z } from 'zod';
import { defineExperiment } from '../experiment/define-experiment';
import { ExperimentRegistry } from '../experiment/registry';
import { prepareRun, resumeRun, startRun } from '../run/execute-run';
import { RunStore } from '../store/run-store';
import { tempLabHome, WORKSPACE_ROOT } from '../testing/cli.test-helpers';
import { evaluateClassifier } from './evaluate-classifier';
import { fitClassifier, plannedSteps, scheduledLearningRate } from './fit-classifier';
import { globalNorm, type StepOptimizer } from './step-optimizer';

jest.setTimeout(60_000);

/** Class k lights up pixels p with p % 10 == k, plus noise: linearly separable. */
function toySet(name: string, count: number, seed: number): ImageSet {
  const stream = new RandomStream(seed, name);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = stream.int(10);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = (p % 10 === labels[i] ? 120 : 0) + Math.floor(stream.uniform() * 120);
  }
  return createImageSet(name, images, labels);
}

const train = toySet('toy-train', 250, 1);
const test = toySet('toy-test', 120, 2);
let crashOnce = { at: -1 };

/** A momentum SGD written against the StepOptimizer interface, with state that must survive a resume. */
function momentumSgd(variables: Readonly<Record<string, Variable>>, learningRate: number): StepOptimizer {
  const velocity: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(variables)) velocity[name] = new Float32Array(v.size);
  let steps = 0;
  return {
    learningRate,
    step(loss) {
      const names = Object.keys(variables);
      const { value, grads } = tf.variableGrads(loss, Object.values(variables));
      const gradientNorm = globalNorm(grads);
      names.forEach((name) => {
        const variable = variables[name];
        const g = grads[variable.name].dataSync();
        const vel = velocity[name];
        const w = Float32Array.from(variable.dataSync());
        for (let i = 0; i < vel.length; i++) {
          vel[i] = 0.9 * vel[i] + g[i];
          w[i] -= this.learningRate * vel[i];
        }
        variable.assign(tf.tensor(w, variable.shape));
      });
      steps += 1;
      const out = { loss: value.dataSync()[0], gradientNorm };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    },
    checkpoint: () => ({
      tensors: Object.fromEntries(Object.entries(velocity).map(([n, v]) => [n, { dtype: 'F32' as const, shape: [v.length], data: Float32Array.from(v) }])),
      json: { steps },
    }),
    restore(state) {
      for (const name of Object.keys(velocity)) velocity[name].set(state.tensors[name].data as Float32Array);
      steps = state.json['steps'] as number;
    },
    dispose: () => undefined,
  };
}

const softmaxRegression = defineExperiment({
  name: 'softmax-regression',
  description: 'fitClassifier on a separable toy set (tests only).',
  schema: z.object({
    epochs: z.number().int().min(1).default(3).describe('Epochs.'),
    crashAt: z.number().int().default(-1).describe('Throw from the loss at this step, once per process (-1: never).'),
    optimizer: z.enum(['adam', 'momentum-sgd']).default('adam').describe('adam (built in) or a momentum SGD plugged in as a StepOptimizer.'),
    gradientNorm: z.boolean().default(false).describe('Record gradient norms.'),
    stateful: z.boolean().default(false).describe('Give the model a loss scale that its afterStep hook changes (state that must survive a resume).'),
  }),
  profiles: { quick: {}, full: {} },
  run: async (ctx) => {
    const w = tf.variable(ctx.random.init.normalTensor([784, 10], 0, 0.01)) as Variable;
    const b = tf.variable(tf.zeros([10])) as Variable;
    crashOnce = { at: ctx.resume ? -1 : ctx.config.crashAt };
    const logits = (x: Tensor2D) => tf.add(tf.matMul(x, w), b) as Tensor2D;
    const config = ctx.config;
    let scale = 1;
    const before = tf.memory().numTensors;
    const fit = await fitClassifier(
      ctx,
      {
        variables: { w, b },
        loss: (x, labels, step) => {
          if (step === crashOnce.at) throw new Error(`injected crash at step ${step}`);
          return tf.mul(tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits(x)), scale) as Scalar;
        },
        probabilities: (x) => tf.softmax(logits(x)),
        ...(config.stateful
          ? {
              afterStep: (step: number) => {
                scale *= 1.01;
                return step % 2 === 0 ? { scale } : undefined;
              },
              getState: () => ({ scale }),
              setState: (state: Record<string, unknown>) => (scale = state['scale'] as number),
            }
          : {}),
      },
      {
        train,
        test,
        epochs: config.epochs,
        batchSize: 32,
        learningRate: 0.01,
        checkpointEvery: 4,
        logEvery: 1,
        gradientNorm: config.gradientNorm,
        optimizer: config.optimizer === 'momentum-sgd' ? momentumSgd : undefined,
      },
    );
    if (config.gradientNorm) ctx.artifacts.write('gradient-norms.json', JSON.stringify(fit.trace.gradientNorm));
    const leaked = tf.memory().numTensors - before;
    ctx.artifacts.write('weights.json', JSON.stringify({ w: Array.from(w.dataSync()), b: Array.from(b.dataSync()) }));
    tf.dispose([w, b]);
    return { accuracy: fit.test.accuracy, nll: fit.test.nll, steps: fit.steps, leaked };
  },
});

describe('fitClassifier', () => {
  const home = tempLabHome();
  const registry = new ExperimentRegistry([{ project: 'fit-test', load: () => [softmaxRegression] }]);
  const quiet = { echo: () => undefined, progress: { write: () => true } };
  const meta = { command: ['test'], workspaceRoot: WORKSPACE_ROOT };
  const weights = (runDir: string) => fs.readFileSync(path.join(runDir, 'weights.json'), 'utf8');
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('learns a separable task, leaks no tensors, and gives the same weights for the same seed', async () => {
    const store = RunStore.open(home);
    const a = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 9 }), meta, quiet);
    const b = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 9 }), meta, quiet);
    const c = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 10 }), meta, quiet);
    store.close();
    expect(a.status).toBe('finished');
    expect(a.summary?.['steps']).toBe(3 * Math.ceil(250 / 32));
    expect(a.summary?.['accuracy']).toBeGreaterThan(0.95);
    expect(a.summary?.['leaked']).toBe(0);
    expect(weights(b.runDir)).toBe(weights(a.runDir));
    expect(weights(c.runDir)).not.toBe(weights(a.runDir));
  });

  it('continues a crashed run from its checkpoint to exactly the weights of an uninterrupted run', async () => {
    const store = RunStore.open(home);
    const reference = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 4 }), meta, quiet);
    const crashed = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 4, overrides: ['crashAt=11'] }), meta, quiet);
    expect(crashed.status).toBe('failed');
    expect(crashed.error).toContain('injected crash at step 11');
    expect(crashed.checkpointStep).toBe(8);
    const resumed = await resumeRun(store, registry, crashed.id, ['resume'], quiet);
    // the train loss was logged once per step, across both processes
    const steps = store.metrics(crashed.id).filter((r) => r.context === 'train').map((r) => r.step);
    store.close();
    expect(resumed.error).toBeNull();
    expect(resumed.status).toBe('finished');
    expect(steps).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(weights(resumed.runDir)).toBe(weights(reference.runDir));
    expect(resumed.summary?.['accuracy']).toBe(reference.summary?.['accuracy']);
  });

  it('continues a plugged-in optimiser and a stateful model (afterStep, getState/setState) exactly across a crash', async () => {
    const store = RunStore.open(home);
    const overrides = ['optimizer=momentum-sgd', 'stateful=true'];
    const reference = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 5, overrides }), meta, quiet);
    const crashed = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 5, overrides: [...overrides, 'crashAt=11'] }), meta, quiet);
    expect(crashed.status).toBe('failed');
    const resumed = await resumeRun(store, registry, crashed.id, ['resume'], quiet);
    const scales = store.metrics(crashed.id).filter((r) => r.name === 'scale');
    store.close();
    expect(resumed.status).toBe('finished');
    expect(reference.summary?.['accuracy']).toBeGreaterThan(0.9);
    expect(weights(resumed.runDir)).toBe(weights(reference.runDir));
    // afterStep's numbers are logged at the even steps, and the state carried over the crash at step 11
    expect(scales.map((r) => r.step)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * (i + 1)));
    expect(scales[scales.length - 1].value).toBeCloseTo(1.01 ** 24, 10);
  });

  it('records the global gradient norm of every step, equal for Adam and a plugged-in optimiser at step 1', async () => {
    const store = RunStore.open(home);
    const adam = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 6, overrides: ['gradientNorm=true'] }), meta, quiet);
    const sgd = await startRun(store, prepareRun(registry, { qualified: 'fit-test:softmax-regression', seed: 6, overrides: ['gradientNorm=true', 'optimizer=momentum-sgd'] }), meta, quiet);
    store.close();
    const norms = (runDir: string) => JSON.parse(fs.readFileSync(path.join(runDir, 'gradient-norms.json'), 'utf8')) as number[];
    expect(norms(adam.runDir)).toHaveLength(24);
    // the same initial weights and first batch: the same gradient
    expect(norms(sgd.runDir)[0]).toBeCloseTo(norms(adam.runDir)[0], 5);
    expect(norms(adam.runDir)[1]).not.toBe(norms(adam.runDir)[0]);
  });

  it('takes the global norm over all gradients: sqrt(3^2 + 4^2 + 12^2) = 13', () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
    expect(globalNorm(grads)).toBeCloseTo(13, 6);
    tf.dispose(Object.values(grads));
  });

  it('anneals a cosine schedule from the base rate at step 1 through half at mid-run towards 0', () => {
    expect(scheduledLearningRate(0.1, 'cosine', 1, 100)).toBe(0.1);
    expect(scheduledLearningRate(0.1, 'cosine', 51, 100)).toBeCloseTo(0.05, 12);
    expect(scheduledLearningRate(0.1, 'cosine', 100, 100)).toBeCloseTo(0.1 * (1 + Math.cos((Math.PI * 99) / 100)) / 2, 15);
    expect(scheduledLearningRate(0.1, 'constant', 77, 100)).toBe(0.1);
  });

  it('counts planned steps with the last short batch of each epoch and the cap', () => {
    expect(plannedSteps(train, { epochs: 3, batchSize: 32 })).toBe(24);
    expect(plannedSteps(train, { epochs: 3, batchSize: 50 })).toBe(15);
    expect(plannedSteps(train, { epochs: 3, batchSize: 32, maxSteps: 5 })).toBe(5);
  });
});

describe('evaluateClassifier', () => {
  it('gives the closed-form metrics of a uniform predictor: NLL ln 10, Brier 0.9, ECE |acc - 0.1|', () => {
    const set = toySet('uniform', 137, 3);
    const result = evaluateClassifier((x) => tf.fill([x.shape[0], 10], 0.1) as Tensor2D, set, 50);
    // ties break to class 0, so accuracy is the share of label 0
    const share0 = Array.from(set.labels).filter((l) => l === 0).length / set.count;
    expect(result.probabilities.length).toBe(137 * 10);
    expect(result.accuracy).toBeCloseTo(share0, 12);
    expect(result.nll).toBeCloseTo(Math.log(10), 6);
    expect(result.brier).toBeCloseTo(0.81 + 9 * 0.01, 6);
    expect(result.ece).toBeCloseTo(Math.abs(share0 - 0.1), 6);
  });

  it('says which shape was wrong when a model returns the wrong number of classes', () => {
    expect(() => evaluateClassifier((x) => tf.zeros([x.shape[0], 9]) as Tensor2D, toySet('bad', 20, 4))).toThrow(
      'evaluateClassifier(bad): the model returned probabilities [20, 9] for a batch of 20; expected [20, 10].',
    );
  });
});
