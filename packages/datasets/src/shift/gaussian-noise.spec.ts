import { RandomStream } from '@cristal/tensor';
import { sameBytes, syntheticImageSet } from '../testing/fixtures.test-helpers';
import { gaussianNoise } from './gaussian-noise';

function constantSet(value: number, count = 100) {
  const set = syntheticImageSet(count, `constant-${value}`);
  set.images.fill(value);
  return set;
}

function meanAndStd(values: ArrayLike<number>, offset: number): [number, number] {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i] - offset;
    sum += d;
    sumSq += d * d;
  }
  const mean = sum / values.length;
  return [mean, Math.sqrt(sumSq / values.length - mean * mean)];
}

describe('gaussianNoise', () => {
  it('with std 0 is the identity', () => {
    const set = syntheticImageSet(20);
    expect(sameBytes(gaussianNoise(set, 0, new RandomStream(1, 'n')).images, set.images)).toBe(true);
  });

  it('adds zero-mean noise of the requested std (mid-grey images, where clamping never bites)', () => {
    // 78,400 samples: the standard error of the std estimate is 16 / sqrt(2 n) = 0.04.
    const noisy = gaussianNoise(constantSet(128), 16, new RandomStream(7, 'noise'));
    const [mean, std] = meanAndStd(noisy.images, 128);
    expect(Math.abs(mean)).toBeLessThan(0.25);
    // Rounding to integers adds variance 1/12: sqrt(256 + 1/12) = 16.003.
    expect(Math.abs(std - 16.003)).toBeLessThan(0.25);
  });

  it('clamps at 0: on black images the mean is E[max(0, X)] = std / sqrt(2 pi)', () => {
    const noisy = gaussianNoise(constantSet(0), 32, new RandomStream(7, 'noise'));
    const [mean] = meanAndStd(noisy.images, 0);
    // Standard error: 32 * sqrt(1/2 - 1/(2 pi)) / sqrt(78400) = 0.067.
    expect(Math.abs(mean - 32 / Math.sqrt(2 * Math.PI))).toBeLessThan(0.4);
    const white = gaussianNoise(constantSet(255), 32, new RandomStream(7, 'noise'));
    expect(Math.abs(255 - meanAndStd(white.images, 0)[0] - 32 / Math.sqrt(2 * Math.PI))).toBeLessThan(0.4);
  });

  it('depends only on the stream state: same seed same result, other seed another', () => {
    const set = syntheticImageSet(30);
    const a = gaussianNoise(set, 20, new RandomStream(3, 'n'));
    const b = gaussianNoise(set, 20, new RandomStream(3, 'n'));
    const c = gaussianNoise(set, 20, new RandomStream(4, 'n'));
    expect(sameBytes(a.images, b.images)).toBe(true);
    expect(sameBytes(a.images, c.images)).toBe(false);
    expect(a.name).toBe('synthetic-noise20');
  });

  it('rejects a negative or non-finite std', () => {
    expect(() => gaussianNoise(syntheticImageSet(1), -1, new RandomStream(1, 'n'))).toThrow(
      'gaussianNoise: std must be a finite number >= 0 (pixel units), got -1.',
    );
  });
});
