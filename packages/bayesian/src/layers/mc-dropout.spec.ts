import { tf, assertNoTensorLeak, RandomStream } from '@cristal/tensor';
import { McDropout, mcDropout } from './mc-dropout';

describe('MC dropout', () => {
  it('keeps each unit with probability 1 - rate and scales by 1 / (1 - rate), so E[y] = x', () => {
    const n = 20000;
    const rate = 0.3;
    const y = tf.tidy(() => mcDropout(tf.ones([n]), rate, new RandomStream(1, 'd')).dataSync());
    let kept = 0;
    for (const v of y) {
      if (v !== 0) {
        expect(v).toBeCloseTo(1 / 0.7, 6);
        kept++;
      }
    }
    // binomial(n, 0.7): 4.5 standard deviations
    expect(Math.abs(kept - 0.7 * n)).toBeLessThan(4.5 * Math.sqrt(n * 0.7 * 0.3));
  });

  it('is on in sample mode (also at prediction) and off in mean mode; seeded', () => {
    const layer = new McDropout(0.5);
    tf.tidy(() => {
      const x = tf.ones([4, 64]);
      const a = layer.call(x, new RandomStream(2, 'd')).output.dataSync();
      const b = layer.call(x, new RandomStream(2, 'd')).output.dataSync();
      const c = layer.call(x, new RandomStream(3, 'd')).output.dataSync();
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(Array.from(a)).not.toEqual(Array.from(c));
      expect(Array.from(layer.call(x, new RandomStream(2, 'd'), { mode: 'mean' }).output.dataSync())).toEqual(Array.from(x.dataSync()));
      expect(layer.call(x, new RandomStream(2, 'd')).kl).toBeNull();
    });
    const x = tf.ones([2, 2]);
    const rng = new RandomStream(4, 'd');
    assertNoTensorLeak(() => layer.call(x, rng).output.dispose(), { label: 'McDropout' });
    x.dispose();
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new McDropout(1)).toThrow(/\[0, 1\)/);
    expect(() => new McDropout(-0.1)).toThrow(/\[0, 1\)/);
  });
});
