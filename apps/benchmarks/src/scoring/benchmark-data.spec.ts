import { benchmarkData, LEADERBOARD_ROTATIONS, scoringSet } from './benchmark-data';

describe('benchmarkData', () => {
  const data = benchmarkData();

  it('is the 10,000 MNIST test images and the 10,000 Fashion-MNIST test images, scaled to [0, 1]', () => {
    expect(data.test.count).toBe(10_000);
    expect(data.ood.count).toBe(10_000);
    // known facts: the MNIST test set has 1,135 ones and 892 fives; Fashion-MNIST 1,000 of each class
    const counts = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);
    expect(counts(data.test.labels)[1]).toBe(1135);
    expect(counts(data.test.labels)[5]).toBe(892);
    expect(counts(data.ood.labels)).toEqual(new Array(10).fill(1000));
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.test.pixels) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('rotates the same images: 0 degrees is the test set itself, 90 degrees an exact quarter turn', () => {
    expect(data.rotations).toEqual(LEADERBOARD_ROTATIONS);
    expect(data.rotated[0]).toBe(data.test);
    const r90 = data.rotated[data.rotations.indexOf(90)];
    expect(r90.labels).toEqual(data.test.labels);
    // a quarter turn moves every pixel: the rotated image differs, its ink does not
    const ink = (p: Float32Array, i: number) => p.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0);
    for (const i of [0, 1, 9999]) {
      expect(ink(r90.pixels, i)).toBeCloseTo(ink(data.test.pixels, i), 3);
      expect(Array.from(r90.pixels.subarray(i * 784, (i + 1) * 784))).not.toEqual(Array.from(data.test.pixels.subarray(i * 784, (i + 1) * 784)));
    }
  });

  it('keeps the first N images with `limit`, and refuses rotations that do not start at 0', () => {
    const small = benchmarkData({ limit: 50, rotations: [0, 30] });
    expect(small.test.count).toBe(50);
    expect(small.rotated[1].count).toBe(50);
    expect(small.test.pixels).toEqual(data.test.pixels.subarray(0, 50 * 784));
    expect(() => benchmarkData({ rotations: [30, 60] })).toThrow(/must start at 0/);
    expect(() => scoringSet({ ...small.test, images: new Uint8Array(784), count: 1, name: 'x' } as never, 2)).toThrow(/cannot take 2/);
  });
});
