import { tf, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { accuracy, brierScore, nll } from '../classification/classification';
import { expectedCalibrationError } from '../calibration/calibration-error';
import { matrix } from '../input/inputs';
import { assessPredictive, type LabelledImages } from './assess-predictive';

/** Five images whose first pixel is 0, 51, 102, 153, 204 (x = 0, 0.2, ..., 0.8). */
function fiveImages(): LabelledImages {
  const images = new Uint8Array(5 * 784);
  for (let i = 0; i < 5; i++) images[i * 784] = 51 * i;
  return { name: 'five', count: 5, images, labels: Uint8Array.from([0, 1, 0, 1, 0]) };
}

/**
 * Two samples per image: sample 0 puts x on class 1 and 1 - x on class 0, sample 1 puts 1/2 on
 * each; so the mean predictive is p1 = (x + 1/2) / 2, a closed form to check every metric against.
 */
function twoSampleModel(x: Tensor2D) {
  const first = x.slice([0, 0], [-1, 1]);
  const zeros = tf.zeros([x.shape[0], 8]);
  const s0 = tf.concat([tf.sub(1, first), first, zeros], 1);
  const s1 = tf.concat([tf.fill([x.shape[0], 2], 0.5), zeros], 1);
  return tf.stack([s0, s1]) as Tensor3D;
}

describe('assessPredictive', () => {
  it('derives accuracy, NLL, ECE, Brier, entropy and mutual information from the mean of the samples', () => {
    const set = fiveImages();
    const a = assessPredictive(twoSampleModel, set, 2);
    const p1 = [0, 0.2, 0.4, 0.6, 0.8].map((v) => (Math.fround(v) + 0.5) / 2);
    const expected = new Float64Array(50);
    p1.forEach((v, i) => {
      expected[i * 10] = 1 - v;
      expected[i * 10 + 1] = v;
    });
    Array.from(a.probabilities.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 7));
    const p = matrix(expected, 5, 10);
    expect(a.accuracy).toBeCloseTo(accuracy(p, set.labels), 12);
    expect(a.accuracy).toBeCloseTo(0.6, 12); // p1 < 1/2 for images 0-2: predicted 0, 0, 0 vs labels 0, 1, 0; images 3-4: 1, 1 vs 1, 0
    expect(a.nll).toBeCloseTo(nll(p, set.labels), 6);
    expect(a.brier).toBeCloseTo(brierScore(p, set.labels), 6);
    expect(a.ece).toBeCloseTo(expectedCalibrationError(p, set.labels, { bins: 15 }), 6);
    // image 4: the samples are (0.2, 0.8) and (0.5, 0.5): MI = H(mean) - mean H
    const h = (q: number[]) => -q.reduce((s, v) => s + (v > 0 ? v * Math.log(v) : 0), 0);
    const x = Math.fround(0.8);
    const mi = h([1 - (x + 0.5) / 2, (x + 0.5) / 2]) - (h([1 - x, x]) + h([0.5, 0.5])) / 2;
    expect(a.mutualInformation[4]).toBeCloseTo(mi, 6);
    expect(a.predictiveEntropy[4]).toBeCloseTo(h([1 - (x + 0.5) / 2, (x + 0.5) / 2]), 6);
    expect(a.set).toBe('five');
  });

  it('does not depend on the batch size, and frees every tensor it makes', () => {
    const set = fiveImages();
    const before = tf.memory().numTensors;
    const one = assessPredictive(twoSampleModel, set, 1);
    const all = assessPredictive(twoSampleModel, set, 500);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(one.probabilities.data)).toEqual(Array.from(all.probabilities.data));
    expect(one.ece).toBe(all.ece);
  });

  it('says what is wrong with a model of the wrong shape, or a set without enough pixels', () => {
    const set = fiveImages();
    expect(() => assessPredictive((x) => tf.stack([tf.zeros([x.shape[0], 3])]) as Tensor3D, set)).toThrow(/returned shape \[1, 5, 3\].*expected \[S, 5, 10\]/);
    expect(() => assessPredictive(twoSampleModel, { ...set, count: 6 })).toThrow(/fewer than 6 images/);
    expect(() => assessPredictive(twoSampleModel, { ...set, count: 0 })).toThrow(/need at least one/);
  });
});
