import { tf, RandomStream } from '@cristal/tensor';
import { normalNoise, rademacher } from './noise';

describe('layer noise', () => {
  it('random signs are +-1 with probability 1/2 each (4.5 standard deviations), reproducible', () => {
    const n = 100003;
    const signs = tf.tidy(() => rademacher(new RandomStream(1, 's'), [n]).dataSync());
    let plus = 0;
    for (const s of signs) {
      expect(Math.abs(s)).toBe(1);
      if (s > 0) plus++;
    }
    expect(Math.abs(plus - n / 2)).toBeLessThan(4.5 * Math.sqrt(n / 4));
    const again = tf.tidy(() => rademacher(new RandomStream(1, 's'), [n]).dataSync());
    expect(Buffer.from(again.buffer).equals(Buffer.from(signs.buffer))).toBe(true);
  });

  it('normal noise has the requested shape and is reproducible from the stream', () => {
    tf.tidy(() => {
      const a = normalNoise(new RandomStream(2, 'n'), [3, 4]);
      const b = normalNoise(new RandomStream(2, 'n'), [3, 4]);
      expect(a.shape).toEqual([3, 4]);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    });
  });
});
