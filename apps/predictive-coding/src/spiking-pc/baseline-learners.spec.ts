import { oneHot, RandomStream, tf, type Tensor2D } from '@cristal/tensor';
import { BackpropTrainer } from '../backprop';
import { pcArchitecture, PcTrainer } from '../pc';
import { baselineLearner, type BaselineKind } from './baseline-learners';

describe('baseline learners on the stream', () => {
  const architecture = pcArchitecture([6, 5, 3], 'tanh');
  const stream = new RandomStream(3, 'baseline');
  const x = stream.uniformTensor([4, 6]) as Tensor2D;
  const y = oneHot([0, 2, 1, 2], 3) as Tensor2D;
  afterAll(() => tf.dispose([x, y]));

  it('are the PC core and the backprop twin with SGD at the given lr, K and eta (same predictions after two steps), and emit no spikes', () => {
    const settings = { architecture, seed: 4, learningRate: 0.3, inferenceSteps: 7, stepSize: 0.2 };
    const twins: Record<BaselineKind, PcTrainer | BackpropTrainer> = {
      pc: new PcTrainer({ architecture, seed: 4, pc: { inferenceSteps: 7, stepSize: 0.2 }, optimizer: { kind: 'sgd', learningRate: 0.3 } }),
      backprop: new BackpropTrainer({ architecture, seed: 4, loss: 'squared-error', optimizer: { kind: 'sgd', learningRate: 0.3 } }),
    };
    for (const kind of ['pc', 'backprop'] as const) {
      const learner = baselineLearner(kind, settings);
      const before = tf.tidy(() => Array.from(learner.predict(x).dataSync()));
      const report = learner.learn(x, y);
      learner.learn(x, y);
      twins[kind].step(x, y);
      twins[kind].step(x, y);
      const [ours, theirs] = tf.tidy(() => [Array.from(learner.predict(x).dataSync()), Array.from(twins[kind].predict(x).dataSync())]);
      expect(ours).toEqual(theirs);
      expect(ours).not.toEqual(before);
      expect(report.synapticOps).toBe(0);
      expect(report.spikes).toEqual([0, 0]);
      expect(report.feedforwardMacs).toBe(4 * (6 * 5 + 5 * 3));
      expect(report.predictionMacs).toBe(kind === 'pc' ? 4 * 7 * (5 * 3) : 0);
      learner.dispose();
      twins[kind].dispose();
    }
    expect(() => baselineLearner('sgd' as BaselineKind, settings)).toThrow(/Unknown baseline "sgd"/);
  });
});
