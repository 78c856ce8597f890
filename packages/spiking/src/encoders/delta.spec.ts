import { tf } from '@cristal/tensor';
import { deltaEncode } from './delta';

describe('delta encoder', () => {
  // Four frames of three pixels (one sample).
  const frames = [
    [0, 0.5, 0.05],
    [0.2, 0.5, 0.05],
    [0.2, 0.3, 0.5],
    [0.25, 0.45, 0.5],
  ];

  it('emits on events for rises and off events for falls larger than the threshold', () => {
    tf.tidy(() => {
      const out = deltaEncode(tf.tensor3d(frames.map((f) => [f])), { threshold: 0.1 });
      expect(out.shape).toEqual([4, 1, 2, 3]);
      const ev = out.arraySync() as number[][][][];
      // changes: [0, .5, .05], [.2, 0, 0], [0, -.2, .45], [.05, .15, 0]
      expect(ev.map((t) => t[0][0])).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]);
      expect(ev.map((t) => t[0][1])).toEqual([[0, 0, 0], [0, 0, 0], [0, 1, 0], [0, 0, 0]]);
    });
  });

  it('with padding compares the first frame with itself: no events at t = 0', () => {
    tf.tidy(() => {
      const ev = deltaEncode(tf.tensor3d(frames.map((f) => [f])), { threshold: 0.1, padding: true }).arraySync() as number[][][][];
      expect(ev[0][0]).toEqual([[0, 0, 0], [0, 0, 0]]);
      expect(ev[2][0]).toEqual([[0, 0, 1], [0, 1, 0]]);
    });
  });

  it('a change equal to the threshold is not an event (it must exceed it)', () => {
    tf.tidy(() => {
      const ev = deltaEncode(tf.tensor2d([[0], [0.5], [0]]), { threshold: 0.5 });
      expect(Array.from(ev.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });
});
