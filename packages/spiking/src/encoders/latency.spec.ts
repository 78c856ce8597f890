import { tf, type Tensor } from '@cristal/tensor';
import { latencyEncode, latencyTimes } from './latency';

function spikeTimesOf(spikes: Tensor): number[][] {
  const [T, n] = [spikes.shape[0], spikes.size / spikes.shape[0]];
  const data = spikes.dataSync();
  return Array.from({ length: n }, (_, i) => Array.from({ length: T }, (_, t) => t).filter((t) => data[t * n + i] === 1));
}

describe('latency encoder', () => {
  it('linear, normalized: t = (T - 1)(1 - x), one spike per input, below-threshold inputs at T - 1', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 0.5, 0.25, 0.04, 0]]);
      const s = latencyEncode(x, 11, { linear: true, normalize: true });
      expect(s.shape).toEqual([11, 1, 5]);
      // 10 (1 - x) = 0, 5, 7.5 (halves round up), 9.6, and 0 is below the threshold
      expect(spikeTimesOf(s)).toEqual([[0], [5], [8], [10], [10]]);
    });
  });

  it('clip: inputs below the threshold do not fire (time T)', () => {
    tf.tidy(() => {
      const x = tf.tensor1d([0.9, 0.005, 0]);
      expect(spikeTimesOf(latencyEncode(x, 11, { linear: true, normalize: true, clip: true }))).toEqual([[1], [], []]);
      expect(Array.from(latencyTimes(x, 11, { linear: true, normalize: true, clip: true }).dataSync())).toEqual([1, 11, 11]);
    });
  });

  it('logarithmic: t = tau ln(x / (x - threshold)), the RC charging time; stronger inputs fire earlier', () => {
    tf.tidy(() => {
      const tau = 5;
      const x = [1, 0.1, 0.02, 0.011, 0.0105];
      const times = Array.from(latencyTimes(tf.tensor1d(x), 30, { tau }).dataSync());
      const expected = x.map((xi) => Math.min(29, Math.round(tau * Math.log(xi / (xi - 0.01)))));
      expect(times).toEqual(expected);
      expect(expected).toEqual([0, 1, 3, 12, 15]); // 5 ln(1/0.99), 5 ln(10/9), 5 ln 2, 5 ln 11, 5 ln 21
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    });
  });

  it('logarithmic, normalized: the weakest input above the threshold fires at T - 1, saturating the window', () => {
    tf.tidy(() => {
      const times = Array.from(latencyTimes(tf.tensor1d([1, 0.01 + 1e-7, 0]), 25, { normalize: true }).dataSync());
      expect(times).toEqual([0, 24, 24]);
    });
  });

  it('rejects bad options', () => {
    tf.tidy(() => {
      expect(() => latencyEncode(tf.tensor1d([2]), 5)).toThrow('intensities must be in [0, 1], got 2 at index 0.');
      expect(() => latencyEncode(tf.tensor1d([0.5]), 5, { tau: 0 })).toThrow('tau must be positive, got 0.');
      expect(() => latencyEncode(tf.tensor1d([0.5]), 5, { threshold: 1 })).toThrow('threshold must be in [0, 1), got 1.');
    });
  });
});
