import { tf, assertNoTensorLeak } from '@cristal/tensor';
import { accuracy, brierScore, nll, topKAccuracy } from './classification';
import { expectedCalibrationError } from '../calibration/calibration-error';

describe('classification metrics', () => {
  const p = [
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
    [0.4, 0.4, 0.2],
  ];

  it('accuracy and top-k accuracy', () => {
    expect(accuracy(p, [0, 1, 1])).toBeCloseTo(1 / 3, 12); // row 3 ties: the first maximum (0) is the prediction
    expect(topKAccuracy(p, [0, 1, 1], 2)).toBe(1);
    expect(topKAccuracy(p, [1, 0, 2], 2)).toBeCloseTo(1 / 3, 12); // only row 0: 0.2 is second
    expect(topKAccuracy(p, [2, 0, 2], 2)).toBe(0);
  });

  it('NLL from probabilities, clipped at 1e-12', () => {
    expect(nll(p, [0, 2, 1])).toBeCloseTo(-(Math.log(0.7) + Math.log(0.6) + Math.log(0.4)) / 3, 12);
    expect(nll([[1, 0]], [1])).toBeCloseTo(-Math.log(1e-12), 12);
    expect(Number.isFinite(nll([[0, 1]], [1]))).toBe(true);
    expect(nll([[0, 1]], [1])).toBe(0);
  });

  it('Brier score: the sum over classes, and the per-class variant of Ovadia et al.', () => {
    expect(brierScore([[0.7, 0.2, 0.1]], [0])).toBeCloseTo(0.09 + 0.04 + 0.01, 12);
    expect(brierScore([[0.7, 0.2, 0.1]], [0], { perClass: true })).toBeCloseTo(0.14 / 3, 12);
    expect(brierScore([[1, 0]], [1])).toBe(2); // the maximum
  });

  it('rejects shapes that disagree, labels out of range, NaN and logits', () => {
    expect(() => accuracy(p, [0, 1])).toThrow('labels: 2 labels for 3 predictions; they must match.');
    expect(() => accuracy(p, [0, 1, 3])).toThrow('labels[2] = 3 is not a class index in [0, 2].');
    expect(() => nll([[NaN, 1]], [0])).toThrow('probabilities: value at flat index 0 is NaN');
    expect(() => nll([[2.5, -1]], [0])).toThrow('is not a probability; pass softmax outputs, not logits.');
    expect(() => nll([[0.5, 0.6]], [0])).toThrow('row 0 sums to 1.1');
    expect(() => accuracy(tf.zeros([3]), [0])).toThrow('probabilities: expected a rank-2 tensor [N, C], got shape [3].');
  });

  it('reads tensors without leaking any', () => {
    const probs = tf.softmax(tf.randomNormal([64, 10], 0, 1, 'float32', 1));
    const labels = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32');
    assertNoTensorLeak(() => {
      accuracy(probs, labels);
      nll(probs, labels);
      brierScore(probs, labels);
      expectedCalibrationError(probs, labels);
    }, { iterations: 5, label: 'metrics on tensors' });
    tf.dispose([probs, labels]);
  });
});
