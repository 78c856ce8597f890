import { RandomStream, tf, type Tensor2D } from '@cristal/tensor';
import { spikeCarriedVariance, traceMean, traceVariance } from './channel-statistics';
import { expectedSpikeCarriedError, transmitErrors } from './spike-channel';
import { traceStep } from './synaptic-trace';

describe('the synaptic trace s <- (1 - a) s + a c', () => {
  const errors = [0.6, -0.2, 0, 0.05, -0.9, 0.35];
  const rMax = 1;

  it('follows E[s_k] = (1 - (1 - a)^k) e exactly when fed the channel expectation (the filter is linear)', () => {
    for (const gain of [0.25, 0.5]) {
      tf.tidy(() => {
        const e = tf.tensor2d([errors]) as Tensor2D;
        const mean = expectedSpikeCarriedError(e, rMax);
        let s = tf.zeros([1, errors.length]) as Tensor2D;
        for (let k = 1; k <= 30; k++) {
          s = traceStep(s, mean, gain);
          const got = s.dataSync();
          errors.forEach((v, j) => expect(got[j]).toBeCloseTo(traceMean(v, gain, k), 6));
        }
      });
    }
    // a = 1 (tau_s = dt): the trace is the last spike-carried error itself
    tf.tidy(() => {
      const c = tf.tensor2d([errors]) as Tensor2D;
      expect(traceStep(tf.ones([1, errors.length]) as Tensor2D, c, 1)).toBe(c);
    });
  });

  it('is unbiased after warm-up: over 10,000 independent spike trains, the mean trace at step 40 equals e within 5 sigma of the exact Var[s_k]', () => {
    const gain = 0.25;
    const steps = 40;
    const replicas = 10_000;
    // warm-up: the residual bias (1 - a)^k e is ~1e-5 |e| at k = 40, far below the Monte-Carlo sigma
    expect((1 - gain) ** steps).toBeLessThan(1.1e-5);
    const stream = new RandomStream(21, 'trace');
    const { mean, variance } = tf.tidy(() => {
      const e = tf.tile(tf.tensor2d([errors]), [replicas, 1]) as Tensor2D;
      let s = tf.zeros([replicas, errors.length]) as Tensor2D;
      for (let k = 0; k < steps; k++) {
        const next = tf.tidy(() => traceStep(s, transmitErrors(e, rMax, stream.uniformTensor([replicas, errors.length]) as Tensor2D).carried, gain));
        s.dispose();
        s = next;
      }
      return { mean: Array.from(tf.mean(s, 0).dataSync()), variance: Array.from(tf.moments(s, 0).variance.dataSync()) };
    });
    let worstZ = 0;
    errors.forEach((e, j) => {
      const exactVariance = traceVariance(spikeCarriedVariance(e, rMax), gain, steps);
      const sigma = Math.sqrt(exactVariance / replicas);
      if (sigma === 0) expect(mean[j]).toBe(0);
      else {
        expect(Math.abs(traceMean(e, gain, steps) - e)).toBeLessThan(0.05 * sigma);
        const z = Math.abs(mean[j] - e) / sigma;
        worstZ = Math.max(worstZ, z);
        expect(z).toBeLessThanOrEqual(5);
        // the spread of the trace is the one derived: a^2 Var[c] (1 - (1-a)^{2k}) / (1 - (1-a)^2), to 5%
        expect(Math.abs(variance[j] / exactVariance - 1)).toBeLessThan(0.05);
      }
    });
    console.log(`[spiking-pc] trace unbiasedness: worst |mean - E[s_k]| = ${worstZ.toFixed(2)} sigma over ${errors.length} units`);
  });

  it('rejects a gain outside (0, 1]', () => {
    tf.tidy(() => {
      const s = tf.zeros([1, 2]) as Tensor2D;
      expect(() => traceStep(s, s, 0)).toThrow(/dt\/tau_s must be in \(0, 1\]/);
      expect(() => traceStep(s, s, 1.5)).toThrow(/choose tauSyn >= dt/);
    });
  });
});
