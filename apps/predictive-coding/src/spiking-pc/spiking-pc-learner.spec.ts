import { assertNoTensorLeak, oneHot, RandomStream, tf, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture } from '../pc';
import { resolveSpikingPcOptions } from './spiking-pc-options';
import { SpikingPcLearner, errorSpikeStream } from './spiking-pc-learner';
import { disposeSpikingRun, runSpikingInference } from './spiking-pc-run';
import { runStream } from './stream-runner';
import { quadrantBlobs } from './spiking-pc.test-helpers';

const architecture = pcArchitecture([6, 8, 5, 3], 'tanh');

function batches(count: number, size: number): { x: Tensor2D; y: Tensor2D }[] {
  const stream = new RandomStream(42, 'batches');
  return Array.from({ length: count }, () => ({
    x: stream.uniformTensor([size, 6]) as Tensor2D,
    y: oneHot(Array.from({ length: size }, () => stream.int(3)), 3) as Tensor2D,
  }));
}

describe('SpikingPcLearner', () => {
  it('is deterministic: the same seed gives the same spikes and bit-identical weights; another seed other spikes', () => {
    const data = batches(6, 2);
    const learn = (seed: number) => {
      const learner = new SpikingPcLearner({ architecture, seed, spiking: { timeSteps: 8, learningRate: 0.1, rMax: 0.2 } });
      const reports = data.map(({ x, y }) => learner.learn(x, y));
      const snapshot = learner.snapshot();
      learner.dispose();
      return { reports, snapshot };
    };
    const a = learn(5);
    const b = learn(5);
    const c = learn(6);
    expect(b.reports).toEqual(a.reports);
    expect(b.snapshot).toEqual(a.snapshot);
    expect(a.reports.reduce((s, r) => s + r.spikes[0] + r.spikes[1] + r.spikes[2], 0)).toBeGreaterThan(0);
    expect(c.reports.map((r) => r.spikes)).not.toEqual(a.reports.map((r) => r.spikes));
    // the weights did learn (not a frozen model compared with itself)
    const init = new SpikingPcLearner({ architecture, seed: 5 });
    expect(init.snapshot()).not.toEqual(a.snapshot);
    init.dispose();
    tf.dispose(data.flatMap(({ x, y }) => [x, y]));
  });

  it('the same seed reproduces every individual spike (per-unit counts), not only the totals', () => {
    const [{ x, y }] = batches(1, 4);
    const learner = new SpikingPcLearner({ architecture, seed: 1 });
    const options = resolveSpikingPcOptions(architecture, { timeSteps: 5, rMax: 0.05, learningRate: 0 });
    const counts = () => {
      const run = runSpikingInference(learner.params, architecture, x, y, options, errorSpikeStream(9));
      const out = run.state.spikeCounts.map((c) => Array.from(c.dataSync()));
      disposeSpikingRun(run);
      return out;
    };
    const first = counts();
    expect(counts()).toEqual(first);
    expect(first.flat().some((v) => v > 0 && v < 5)).toBe(true); // units that fired on some steps only: real sampling
    learner.dispose();
    tf.dispose([x, y]);
  });

  it('leaks no tensors over many online steps, readouts and a whole stream', () => {
    const data = batches(3, 1);
    const learner = new SpikingPcLearner({ architecture, seed: 2, spiking: { timeSteps: 6 } });
    assertNoTensorLeak(
      (i) => {
        const { x, y } = data[i % data.length];
        learner.learn(x, y);
        learner.predict(x).dispose();
        learner.probabilities(x).dispose();
      },
      { iterations: 12, label: 'SpikingPcLearner.learn' },
    );
    learner.dispose();
    // the noise-free channel, and inference only (lr = 0: the parameters are kept, not replaced)
    for (const spiking of [{ channel: 'expected' as const }, { learningRate: 0 }]) {
      const other = new SpikingPcLearner({ architecture, seed: 2, spiking: { timeSteps: 4, ...spiking } });
      assertNoTensorLeak((i) => other.learn(data[i % data.length].x, data[i % data.length].y), { iterations: 6, label: `SpikingPcLearner.learn ${JSON.stringify(spiking)}` });
      other.dispose();
    }
    tf.dispose(data.flatMap(({ x, y }) => [x, y]));

    const blobs = pcArchitecture([2, 6, 4], 'tanh');
    const streamLearner = new SpikingPcLearner({ architecture: blobs, seed: 0, spiking: { timeSteps: 4 } });
    const source = quadrantBlobs('leak', 40, 3);
    const before = tf.memory().numTensors;
    runStream(streamLearner, { samples: 30, phases: [{ name: 'a', startsAt: 0, source }, { name: 'b', startsAt: 17, source }], evaluateEvery: 10, evaluationSets: [{ name: 'a', source }], batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before);
    streamLearner.dispose();
  });

  it('reads the output as probabilities: softmax rows sum to 1', () => {
    const [{ x, y }] = batches(1, 5);
    const learner = new SpikingPcLearner({ architecture, seed: 3 });
    const sums = tf.tidy(() => Array.from(tf.sum(learner.probabilities(x), 1).dataSync()));
    sums.forEach((s) => expect(s).toBeCloseTo(1, 6));
    learner.dispose();
    tf.dispose([x, y]);
  });

  it('rejects bad options with the field and the fix', () => {
    const make = (spiking: object) => () => resolveSpikingPcOptions(architecture, spiking);
    expect(make({ timeSteps: 0 })).toThrow(/timeSteps \(K\) must be a positive integer/);
    expect(make({ tauSyn: 0.5 })).toThrow(/tauSyn must be a finite number >= dt \(1\)/);
    expect(make({ rMax: [1, 1] })).toThrow(/rMax must be one number or one per predicted layer \(3 values for sizes \[6, 8, 5, 3\]\), got 2/);
    expect(make({ rMax: -1 })).toThrow(/rMax\[0\] \(layer 1\) must be a positive finite number/);
    expect(make({ precisions: [1, 0, 1] })).toThrow(/precisions\[1\] \(layer 2\)/);
    expect(make({ channel: 'poisson' })).toThrow(/channel must be 'stochastic'/);
    expect(make({ learningRate: -0.1 })).toThrow(/learningRate must be a finite number >= 0/);
    expect(make({ stepSize: 0 })).toThrow(/stepSize \(eta\) must be a positive number/);
    const learner = new SpikingPcLearner({ architecture, seed: 0 });
    const x = tf.zeros([2, 6]) as Tensor2D;
    const wrong = tf.zeros([2, 4]) as Tensor2D;
    expect(() => learner.learn(x, wrong)).toThrow(/target must be float32 \[2, 3\]/);
    learner.dispose();
    tf.dispose([x, wrong]);
  });
});
