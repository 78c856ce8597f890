import { tf } from '@cristal/tensor';
import { mcUncertainty } from './mc-uncertainty';

describe('Monte-Carlo uncertainty', () => {
  it('has zero mutual information when all samples agree', () => {
    const one = [0.7, 0.2, 0.1];
    const u = mcUncertainty({ data: [...one, ...one, ...one], samples: 3, rows: 1, cols: 3 });
    const h = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1));
    expect(u.predictiveEntropy[0]).toBeCloseTo(h, 12);
    expect(u.expectedEntropy[0]).toBeCloseTo(h, 12);
    expect(u.mutualInformation[0]).toBeCloseTo(0, 12);
  });

  it('attributes disagreement between confident samples to epistemic uncertainty (log 2 nats)', () => {
    const u = mcUncertainty({ data: [1, 0, 0, 1], samples: 2, rows: 1, cols: 2 }); // probabilities of exactly 0 and 1
    expect(u.expectedEntropy[0]).toBe(0);
    expect(u.predictiveEntropy[0]).toBeCloseTo(Math.log(2), 12);
    expect(u.mutualInformation[0]).toBeCloseTo(Math.log(2), 12);
    expect(Array.from(u.mean.data)).toEqual([0.5, 0.5]);
  });

  it('agrees between the tensor and the plain-array paths, with MI >= 0', () => {
    const t = tf.softmax(tf.randomNormal([8, 5, 4], 0, 2, 'float32', 7));
    const fromTensor = mcUncertainty(t);
    const fromArray = mcUncertainty({ data: Float32Array.from(t.dataSync()), samples: 8, rows: 5, cols: 4 });
    expect(fromTensor.mutualInformation).toEqual(fromArray.mutualInformation);
    fromTensor.mutualInformation.forEach((mi) => expect(mi).toBeGreaterThanOrEqual(0));
    t.dispose();
  });

  it('rejects inputs that are not [S, N, C] probabilities', () => {
    expect(() => mcUncertainty(tf.zeros([2, 3]))).toThrow('expected a rank-3 tensor [S, N, C]');
    expect(() => mcUncertainty({ data: [0.5, 0.6], samples: 1, rows: 1, cols: 2 })).toThrow('samples[0][0] sums to 1.1');
  });
});
