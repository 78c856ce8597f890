import { tf, assertNoTensorLeak, oneHot, RandomStreams, type Tensor2D } from '@cristal/tensor';
import { pcArchitecture, REFERENCE_ARCHITECTURE, weightLayerCount } from '../pc/architecture';
import { detectAutodiff } from '../pc/autodiff-guard';
import { disposePcParams, initPcParams, paramTensors } from '../pc/params';
import { PcTrainer } from '../pc/pc-trainer';
import type { OptimizerSpec } from '../pc/optimizer';
import { flatten, flattenTensors, maxDifferences, randomRefCase, refBackprop, t2, toParams } from '../pc/pc.test-helpers';
import { backpropGradients } from './backprop-gradients';
import { BackpropTrainer } from './backprop-trainer';
import { mlpLoss, outputLoss } from './mlp-loss';

function batch(seed: number, inputs: number, classes: number, size = 16): { x: Tensor2D; y: Tensor2D } {
  const rng = new RandomStreams(seed);
  const x = rng.data.uniformTensor([size, inputs]) as Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: size }, () => rng.data.int(classes)), 'int32');
  const y = oneHot(labels, classes) as Tensor2D;
  labels.dispose();
  return { x, y };
}

const flat = (t: { snapshot(): { weights: Float32Array[]; biases: Float32Array[] } }) => {
  const s = t.snapshot();
  return [...s.weights.flatMap((w) => Array.from(w)), ...s.biases.flatMap((b) => Array.from(b))];
};

describe('the backprop twin', () => {
  it('(g) starts from exactly the weights of the PC network with the same seed (the reference 784-256-256-10)', () => {
    const pc = new PcTrainer({ architecture: REFERENCE_ARCHITECTURE, seed: 42 });
    const twin = new BackpropTrainer({ architecture: REFERENCE_ARCHITECTURE, seed: 42 });
    const other = new BackpropTrainer({ architecture: REFERENCE_ARCHITECTURE, seed: 43 });
    const a = pc.snapshot();
    const b = twin.snapshot();
    // bit for bit (byte comparison: Jest's deep equality is slow on 200k-element arrays)
    const bytes = (t: Float32Array) => Buffer.from(t.buffer, t.byteOffset, t.byteLength);
    [...a.weights, ...a.biases].forEach((t, i) => expect(bytes(t).equals(bytes([...b.weights, ...b.biases][i]))).toBe(true));
    expect(bytes(other.snapshot().weights[0]).equals(bytes(a.weights[0]))).toBe(false);
    [pc, twin, other].forEach((t) => t.dispose());
  });

  it.each(['squared-error', 'cross-entropy'] as const)('%s: tf.valueAndGrads gradients and loss equal the hand-written float64 backprop', (loss) => {
    const sizes = [6, 5, 4, 3];
    const architecture = pcArchitecture(sizes, 'tanh');
    const { net, x0, y } = randomRefCase(sizes, 'tanh', 7, 3, 2);
    const ref = refBackprop(net, x0, y, loss);
    const params = toParams(net);
    const [x, target] = [t2(x0), t2(y)];
    const result = backpropGradients(params, architecture, x, target, loss);
    const d = maxDifferences(flattenTensors(result.gradients), flatten(ref));
    expect(d.rel).toBeLessThan(3e-5);
    expect(result.loss).toBeCloseTo(ref.loss, 5);
    tf.dispose([...paramTensors(result.gradients), x, target]);
    disposePcParams(params);
  });

  it('losses: squared error is mean_b 1/2 ||y - x̄_L||^2, cross-entropy mean_b -sum y log softmax(x̄_L) (hand numbers)', () => {
    const out = tf.tensor2d([[1, 0], [0, 2]]);
    const y = tf.tensor2d([[0, 1], [0, 1]]);
    // squared: (1/2)(1 + 1) and (1/2)(0 + 1) -> mean 0.75
    expect(outputLoss('squared-error', out, y).dataSync()[0]).toBeCloseTo(0.75, 6);
    // cross-entropy: -log(e^0 / (e^1 + e^0)) and -log(e^2 / (1 + e^2))
    const ce = (Math.log(1 + Math.E) + Math.log(1 + Math.exp(-2))) / 2;
    expect(outputLoss('cross-entropy', out, y).dataSync()[0]).toBeCloseTo(ce, 6);
    tf.dispose([out, y]);
  });

  it('a training step is theta - lr * grad, and it uses autodiff (the guard sees it)', () => {
    const architecture = pcArchitecture([8, 6, 3], 'tanh');
    const twin = new BackpropTrainer({ architecture, seed: 3, loss: 'cross-entropy', optimizer: { kind: 'sgd', learningRate: 0.1 } });
    const { x, y } = batch(1, 8, 3);
    const before = flat(twin);
    const { gradients, loss } = backpropGradients(twin.params, architecture, x, y, 'cross-entropy');
    const g = flattenTensors(gradients);
    const stepped = detectAutodiff(() => twin.step(x, y));
    expect(stepped.use.tapesStarted).toBe(1);
    expect(stepped.result).toBeCloseTo(loss, 6);
    const after = flat(twin);
    expect(Math.max(...after.map((w, i) => Math.abs(w - (before[i] - 0.1 * g[i]))))).toBeLessThan(1e-7);
    tf.dispose([...paramTensors(gradients), x, y]);
    twin.dispose();
  });

  it.each([
    ['SGD', { kind: 'sgd', learningRate: 0.05 }],
    ['Adam', { kind: 'adam', learningRate: 0.003 }],
  ] as [string, OptimizerSpec][])(
    'trains in lockstep with fixed-prediction PC (step size 1, T = L - 1) from the same seed with the same optimiser (%s)',
    (_name, optimizer) => {
      const architecture = pcArchitecture([20, 16, 12, 10], 'tanh');
      const L = weightLayerCount(architecture);
      const pc = new PcTrainer({ architecture, seed: 11, pc: { predictions: 'fixed', stepSize: 1, inferenceSteps: L - 1 }, optimizer });
      const twin = new BackpropTrainer({ architecture, seed: 11, loss: 'squared-error', optimizer });
      const start = flat(twin);
      for (let i = 0; i < 5; i++) {
        const { x, y } = batch(100 + i, 20, 10);
        pc.step(x, y);
        twin.step(x, y);
        tf.dispose([x, y]);
      }
      const d = maxDifferences(flat(pc), flat(twin));
      const moved = maxDifferences(flat(twin), start).abs;
      console.log(`fixed-prediction PC vs backprop twin, 5 ${_name} steps: weights max abs difference ${d.abs.toExponential(2)} (steps moved weights by up to ${moved.toExponential(2)})`);
      expect(d.abs).toBeLessThan(1e-5);
      expect(moved).toBeGreaterThan(1e-3);
      pc.dispose();
      twin.dispose();
    },
  );

  it('keeps numTensors flat over many steps', () => {
    const architecture = pcArchitecture([8, 6, 3], 'tanh');
    for (const loss of ['squared-error', 'cross-entropy'] as const) {
      const twin = new BackpropTrainer({ architecture, seed: 3, loss, optimizer: { kind: 'adam', learningRate: 0.01 } });
      const { x, y } = batch(1, 8, 3);
      assertNoTensorLeak(() => twin.step(x, y), { iterations: 10, label: `BackpropTrainer.step (${loss})` });
      assertNoTensorLeak(() => twin.predict(x).dispose(), { label: 'BackpropTrainer.predict' });
      const params = initPcParams(architecture, 0);
      assertNoTensorLeak(() => mlpLoss(params, architecture, x, y, loss).dispose(), { label: 'mlpLoss' });
      disposePcParams(params);
      tf.dispose([x, y]);
      twin.dispose();
    }
  });

  it('rejects an unknown loss with the options', () => {
    expect(() => new BackpropTrainer({ architecture: pcArchitecture([3, 2]), seed: 0, loss: 'hinge' as never })).toThrow(/Unknown loss "hinge": use 'squared-error'.*or 'cross-entropy'/);
  });
});
