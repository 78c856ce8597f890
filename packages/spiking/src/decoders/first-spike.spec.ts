import { tf } from '@cristal/tensor';
import { latencyEncode, latencyTimes } from '../encoders/latency';
import { firstSpikeTime } from './first-spike';

describe('first-spike-time decoder', () => {
  it('gives the first spike index, T for silent neurons', () => {
    tf.tidy(() => {
      const s = tf.tensor3d([[[0, 0, 1]], [[1, 0, 1]], [[1, 0, 0]]]); // [T = 3, B = 1, N = 3]
      expect(firstSpikeTime(s).arraySync()).toEqual([[1, 3, 0]]);
    });
  });

  it('inverts the latency encoder, silent (clipped) inputs included', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[0.95, 0.6, 0.3, 0.05, 0.001, 0]]);
      const options = { linear: true, normalize: true, clip: true };
      expect(Array.from(firstSpikeTime(latencyEncode(x, 20, options)).dataSync())).toEqual(Array.from(latencyTimes(x, 20, options).dataSync()));
      expect(Array.from(latencyTimes(x, 20, options).dataSync()).slice(4)).toEqual([20, 20]);
    });
  });
});
