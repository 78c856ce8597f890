// Each experiment end to end through the runner on a tiny configuration (CI-sized), plus the
// checkpoint round trips that make the runs resumable.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporaryLab } from '@cristal/runner';
import { tf, type Tensor2D } from '@cristal/tensor';
import { BayesianPcTrainer } from '../bayesian-pc';
import { pcArchitecture } from '../pc';
import { stateFromCheckpoint, stateToCheckpoint } from './bayesian-checkpoint';
import { experiments } from './experiments';
import { twinLearners } from './twin-learners';

jest.setTimeout(600_000);

const lab = temporaryLab('predictive-coding', experiments, path.join(__dirname, '..', '..', '..', '..'));
afterAll(() => lab.cleanup());

const summaryOf = (record: { summary: unknown }) => record.summary as Record<string, number>;

describe('pc-vs-bp', () => {
  const tiny = ['trainExamples=2000', 'epochs=2', 'hidden=[32]', 'batchSize=50', 'inferenceSteps=10', 'learningRate=0.003'];

  it('trains PC and its twin, both beat chance by far, and each ONNX file scores what its TF.js model scores', async () => {
    const record = await lab.run('pc-vs-bp', 3, tiny);
    expect(record.error).toBeNull();
    const s = summaryOf(record);
    expect(s['pc_accuracy']).toBeGreaterThan(0.8);
    expect(s['backprop_accuracy']).toBeGreaterThan(0.8);
    expect(s['pc_onnx_accuracy']).toBeCloseTo(s['pc_accuracy'], 3);
    expect(s['backprop_onnx_accuracy']).toBeCloseTo(s['backprop_accuracy'], 3);
    for (const f of ['model.onnx', 'backprop.onnx', 'pc-vs-bp.md', 'validation-accuracy.svg']) expect(fs.existsSync(path.join(record.runDir, f))).toBe(true);
    // same seed, same numbers
    const again = await lab.run('pc-vs-bp', 3, tiny);
    expect(summaryOf(again)['pc_accuracy']).toBe(s['pc_accuracy']);
    expect(summaryOf(again)['backprop_nll']).toBe(s['backprop_nll']);
  });

  it('an interrupted run checkpoints at the end of its epoch and resumes to exactly the uninterrupted result', async () => {
    const reference = await lab.run('pc-vs-bp', 5, [...tiny, 'exportOnnx=false']);
    let lines = 0;
    // the progress display is written during the first epoch: a SIGINT there stops the run after that epoch
    const interruptOnce = { handleSignals: true, progress: { write: () => (++lines === 1 && process.emit('SIGINT', 'SIGINT'), true) } };
    const interrupted = await lab.run('pc-vs-bp', 5, [...tiny, 'exportOnnx=false'], interruptOnce);
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.checkpointStep).toBe(1);
    const resumed = await lab.resume(interrupted.id);
    expect(resumed.status).toBe('finished');
    for (const key of ['pc_accuracy', 'pc_nll', 'backprop_accuracy', 'backprop_nll']) expect(summaryOf(resumed)[key]).toBe(summaryOf(reference)[key]);
  });

  it('a twin restored from its checkpoint tensors continues bit for bit', () => {
    const architecture = pcArchitecture([6, 5, 3], 'tanh');
    const settings = { architecture, seed: 1, output: 'categorical' as const, pc: { inferenceSteps: 5 }, optimizer: { kind: 'adam' as const, learningRate: 0.01 } };
    const x = tf.randomUniform([4, 6], 0, 1, 'float32', 1) as Tensor2D;
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3).toFloat() as Tensor2D;
    const a = twinLearners(settings);
    const b = twinLearners({ ...settings, seed: 2 });
    try {
      for (const t of a) t.step(x, y);
      a.forEach((t, i) => b[i].restore(t.checkpointTensors(), t.optimizerStep()));
      for (const t of [...a, ...b]) t.step(x, y);
      a.forEach((t, i) => {
        const [p, q] = [t.snapshot(), b[i].snapshot()];
        p.weights.forEach((w, l) => expect(Array.from(q.weights[l])).toEqual(Array.from(w)));
        p.biases.forEach((v, l) => expect(Array.from(q.biases[l])).toEqual(Array.from(v)));
      });
      expect(() => a[0].restore({}, null)).toThrow(/no tensor "pc\/W0"/);
    } finally {
      [...a, ...b].forEach((t) => t.dispose());
      tf.dispose([x, y]);
    }
  });
});

describe('equivalence', () => {
  it('fixed predictions equal backprop (both outputs), the nudged difference shrinks ~10x per decade of gamma, the hard clamp does not converge to backprop', async () => {
    const record = await lab.run('equivalence', 0, ['hidden=[16]', 'batchSize=8', 'convergedSteps=2000']);
    expect(record.error).toBeNull();
    const s = summaryOf(record);
    expect(s['fixed_prediction_relative_difference']).toBeLessThan(1e-6);
    expect(s['categorical_fixed_prediction_relative_difference']).toBeLessThan(1e-6);
    expect(s['nudged_ratio_1']).toBeGreaterThan(6);
    expect(s['nudged_ratio_2']).toBeGreaterThan(8);
    expect(s['nudged_ratio_2']).toBeLessThan(12);
    expect(s['hard_clamp_relative_difference']).toBeGreaterThan(0.1);
    expect(fs.readFileSync(path.join(record.runDir, 'equivalence.md'), 'utf8')).toContain('| nudged output | gamma = 0.001 |');
  });
});

describe('bayesian', () => {
  it('trains Bayesian PC, scores rotations and Fashion-MNIST OOD, and its K-sample ONNX file scores what the predictive scores', async () => {
    const record = await lab.run('bayesian', 0, ['trainExamples=2000', 'epochs=1', 'hidden=[32]', 'batchSize=50', 'inferenceSteps=10', 'predictiveSamples=4', 'exportSamples=4', 'rotations=[0,90]']);
    expect(record.error).toBeNull();
    const s = summaryOf(record);
    expect(s['accuracy']).toBeGreaterThan(0.5);
    expect(s['rot90/accuracy']).toBeLessThan(s['accuracy']);
    expect(s['ood_auroc_entropy']).toBeGreaterThan(0.5);
    // the same K networks (same seed) in TF.js and in the file
    expect(s['onnx_accuracy']).toBeCloseTo(s['accuracy'], 3);
  });

  it('an interrupted run resumes from its epoch checkpoint to exactly the uninterrupted result', async () => {
    const tiny = ['trainExamples=1000', 'epochs=2', 'hidden=[16]', 'batchSize=50', 'inferenceSteps=5', 'predictiveSamples=2', 'exportSamples=2', 'rotations=[0]', 'verifyOnnx=false'];
    const reference = await lab.run('bayesian', 2, tiny);
    let lines = 0;
    const interruptOnce = { handleSignals: true, progress: { write: () => (++lines === 1 && process.emit('SIGINT', 'SIGINT'), true) } };
    const interrupted = await lab.run('bayesian', 2, tiny, interruptOnce);
    expect(interrupted.status).toBe('interrupted');
    const resumed = await lab.resume(interrupted.id);
    expect(resumed.status).toBe('finished');
    for (const key of ['accuracy', 'nll', 'ece', 'ood_auroc_mi']) expect(summaryOf(resumed)[key]).toBe(summaryOf(reference)[key]);
  });

  it('a checkpointed state restores to the same beliefs (diagonal and conjugate)', () => {
    for (const [lastLayer, output] of [
      ['diagonal', 'categorical'],
      ['conjugate', 'squared-error'],
    ] as const) {
      const architecture = pcArchitecture([6, 5, 3], 'tanh');
      const make = (seed: number) => new BayesianPcTrainer({ architecture, seed, pc: { output, inferenceSteps: 5 }, beliefs: { lastLayer } });
      const x = tf.randomUniform([4, 6], 0, 1, 'float32', 1) as Tensor2D;
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3).toFloat() as Tensor2D;
      const [a, b] = [make(1), make(2)];
      try {
        a.step(x, y);
        const { tensors, extra } = stateToCheckpoint(a.getState());
        b.setState(stateFromCheckpoint(tensors, JSON.parse(JSON.stringify(extra)) as Record<string, unknown>));
        a.step(x, y);
        b.step(x, y);
        expect(b.getState()).toEqual(a.getState());
      } finally {
        a.dispose();
        b.dispose();
        tf.dispose([x, y]);
      }
    }
  });
});

describe('spiking-online', () => {
  it('streams spiking PC with a switch, a twin and a spike budget, and exports its predictor', async () => {
    const record = await lab.run('spiking-online', 0, [
      'samples=300',
      'testSamples=200',
      'evaluateEvery=150',
      'switchAt=150',
      'hidden=[32]',
      'baselines=["pc"]',
      'budgetScales=[1,10]',
      'budgetSamples=150',
    ]);
    expect(record.error).toBeNull();
    const s = summaryOf(record);
    // fewer spikes with a larger r_max
    expect(s['budget x10/spikes_per_sample']).toBeLessThan(s['budget x1/spikes_per_sample']);
    expect(s['spiking-pc/sops_per_sample']).toBeGreaterThan(0);
    expect(s['pc/spikes_per_sample']).toBe(0);
    expect(s['onnx_accuracy']).toBeCloseTo(s['test_accuracy'], 3);
    const streams = JSON.parse(fs.readFileSync(path.join(record.runDir, 'streams.json'), 'utf8')) as { key: string }[];
    expect(streams.map((t) => t.key)).toEqual(['spiking-pc', 'pc', 'budget x1', 'budget x10']);
  });
});
