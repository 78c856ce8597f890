import { tf } from '@cristal/tensor';
import { spikeCount, spikeRate } from './spike-count';

describe('spike count and rate decoders', () => {
  it('count and rate per neuron over the window', () => {
    tf.tidy(() => {
      // [T = 4, B = 2, N = 2]
      const s = tf.tensor3d([
        [[1, 0], [0, 0]],
        [[1, 0], [1, 0]],
        [[0, 0], [1, 0]],
        [[1, 1], [1, 0]],
      ]);
      expect(spikeCount(s).arraySync()).toEqual([[3, 1], [3, 0]]);
      expect(spikeRate(s).arraySync()).toEqual([[0.75, 0.25], [0.75, 0]]);
      expect(() => spikeCount(tf.tensor1d([1, 0]))).toThrow('spikes must be [T, B, ...], got shape [2].');
    });
  });
});
