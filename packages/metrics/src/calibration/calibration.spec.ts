import { tf, RandomStream } from '@cristal/tensor';
import { matrix } from '../input/inputs';
import { nll } from '../classification/classification';
import {
  adaptiveCalibrationError,
  binaryCalibrationError,
  expectedCalibrationError,
  maximumCalibrationError,
  reliabilityDiagram,
} from './calibration-error';
import { fitTemperature, temperatureSoftmax } from './temperature-scaling';

// torchmetrics' documented examples (MulticlassCalibrationError / BinaryCalibrationError docstrings).
const tmPreds = [
  [0.25, 0.2, 0.55],
  [0.55, 0.05, 0.4],
  [0.1, 0.3, 0.6],
  [0.9, 0.05, 0.05],
];
const tmTarget = [0, 1, 2, 0];

/** Samples whose top-label confidence is c and that are right with probability c. */
function calibratedSample(n: number, seed: number): { probs: Float64Array; labels: Int32Array } {
  const s = new RandomStream(seed, 'calibrated');
  const probs = new Float64Array(n * 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = 0.5 + 0.5 * s.uniform();
    probs[2 * i] = c;
    probs[2 * i + 1] = 1 - c;
    labels[i] = s.uniform() < c ? 0 : 1;
  }
  return { probs, labels };
}

describe('expected calibration error', () => {
  it("equals torchmetrics' documented multiclass values", () => {
    expect(expectedCalibrationError(tmPreds, tmTarget, { bins: 3, norm: 'l1' })).toBeCloseTo(0.2, 4);
    expect(expectedCalibrationError(tmPreds, tmTarget, { bins: 3, norm: 'l2' })).toBeCloseTo(0.2082, 4);
    expect(expectedCalibrationError(tmPreds, tmTarget, { bins: 3, norm: 'max' })).toBeCloseTo(0.2333, 4);
    expect(maximumCalibrationError(tmPreds, tmTarget, 3)).toBeCloseTo(0.2333, 4);
  });

  it("equals torchmetrics' documented binary values", () => {
    const p = [0.25, 0.25, 0.55, 0.75, 0.75];
    const t = [0, 0, 1, 1, 1];
    expect(binaryCalibrationError(p, t, { bins: 2, norm: 'l1' })).toBeCloseTo(0.29, 4);
    expect(binaryCalibrationError(p, t, { bins: 2, norm: 'l2' })).toBeCloseTo(0.2918, 4);
    expect(binaryCalibrationError(p, t, { bins: 2, norm: 'max' })).toBeCloseTo(0.3167, 4);
  });

  it('follows the bin edges of torch.bucketize(right=True): [b_k, b_k+1), and 1.0 alone', () => {
    const bins = reliabilityDiagram([[0.5, 0.5], [1, 0], [0.2, 0.8]], [0, 1, 1], 2);
    expect(bins.map((b) => [b.lower, b.upper, b.count])).toEqual([
      [0, 0.5, 0],
      [0.5, 1, 2], // 0.5 belongs to the upper bin
      [1, 1, 1], // confidence exactly 1 has its own bin
    ]);
    expect(expectedCalibrationError([[1, 0]], [1])).toBe(1); // certain and wrong: the worst case
  });

  it('is 0 on perfectly calibrated data, small on calibrated samples, and within [0, 1]', () => {
    const probs = Array.from({ length: 10 }, () => [0.8, 0.2]);
    const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]; // 80% right at confidence 0.8
    expect(expectedCalibrationError(probs, labels)).toBeCloseTo(0, 12);
    const { probs: p, labels: y } = calibratedSample(100_000, 1);
    const ece = expectedCalibrationError(matrix(p, 100_000, 2), y);
    expect(ece).toBeGreaterThanOrEqual(0);
    expect(ece).toBeLessThan(0.01);
    const overconfident = Float64Array.from(p, (v, i) => (i % 2 === 0 ? 0.5 + (v - 0.5) * 0.2 + 0.4 : 0));
    for (let i = 0; i < 100_000; i++) overconfident[2 * i + 1] = 1 - overconfident[2 * i];
    expect(expectedCalibrationError(matrix(overconfident, 100_000, 2), y)).toBeGreaterThan(0.1);
  });

  it('adaptive ECE uses equal-mass bins and is 0 on calibrated bins', () => {
    expect(adaptiveCalibrationError(Array.from({ length: 10 }, () => [0.8, 0.2]), [0, 0, 0, 0, 0, 0, 0, 0, 1, 1], { bins: 1 })).toBeCloseTo(0, 12);
    // 4 samples, 2 bins of 2: {0.6 right, 0.7 wrong} -> |0.5 - 0.65|; {0.8 right, 0.9 right} -> |1 - 0.85|
    const p = [[0.6, 0.4], [0.7, 0.3], [0.8, 0.2], [0.9, 0.1]];
    expect(adaptiveCalibrationError(p, [0, 1, 0, 0], { bins: 2 })).toBeCloseTo(0.5 * 0.15 + 0.5 * 0.15, 12);
  });

  it('gives the same answer from a tensor and from a typed array', () => {
    const t = tf.tensor2d(tmPreds);
    expect(expectedCalibrationError(t, tf.tensor1d(tmTarget, 'int32'), { bins: 3 })).toBeCloseTo(
      expectedCalibrationError(matrix(Float32Array.from(tmPreds.flat()), 4, 3), Int32Array.from(tmTarget), { bins: 3 }),
      7,
    );
    t.dispose();
  });

  it('handles a million samples', () => {
    const { probs, labels } = calibratedSample(1_000_000, 2);
    const ece = expectedCalibrationError(matrix(probs, 1_000_000, 2), labels);
    expect(ece).toBeLessThan(0.005);
  });
});

describe('temperature scaling', () => {
  function logitsWithTemperature(n: number, trueT: number, seed: number) {
    const s = new RandomStream(seed, 'logits');
    const z = new Float64Array(n * 5);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 5; c++) z[i * 5 + c] = 3 * s.normal();
      const p = temperatureSoftmax(matrix(z.subarray(i * 5, i * 5 + 5), 1, 5), trueT).data;
      let u = s.uniform();
      let c = 0;
      while (c < 4 && u >= p[c]) u -= p[c++];
      y[i] = c;
    }
    return { z: matrix(z, n, 5), y };
  }

  it('recovers the temperature that generated the labels', () => {
    const { z, y } = logitsWithTemperature(20_000, 2, 3);
    const fit = fitTemperature(z, y);
    expect(fit.temperature).toBeGreaterThan(1.9);
    expect(fit.temperature).toBeLessThan(2.1);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
    expect(fit.nllAfter).toBeCloseTo(nll(fit.probabilities, y), 10);
  });

  it('finds the minimum a grid search finds, and never raises the NLL', () => {
    for (const seed of [4, 5, 6]) {
      const { z, y } = logitsWithTemperature(500, 0.5 + seed / 4, seed);
      const fit = fitTemperature(z, y);
      expect(fit.nllAfter).toBeLessThanOrEqual(fit.nllBefore);
      let best = Infinity;
      for (let T = 0.2; T < 5; T += 0.001) best = Math.min(best, nll(temperatureSoftmax(z, T), y));
      expect(fit.nllAfter).toBeLessThanOrEqual(best + 1e-9);
    }
  });

  it('rejects non-finite logits', () => {
    expect(() => fitTemperature([[1, NaN]], [0])).toThrow('logits: value at flat index 1 is NaN');
  });
});
