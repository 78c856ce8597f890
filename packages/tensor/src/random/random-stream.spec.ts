import { RandomStream } from './random-stream';
import { RandomStreams } from './random-streams';
import { nextUint32 } from './xoshiro128';

const N = 100_000;

function draws(stream: RandomStream, n: number): Float64Array {
  return stream.fillUniform(new Float64Array(n));
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.length;
  mb /= b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe('xoshiro128**', () => {
  it('matches the algorithm by hand from the state [1, 2, 3, 4]', () => {
    // out = rotl(s1 * 5, 7) * 9, then the xor-shift update; the three values worked out on paper.
    const s = new Uint32Array([1, 2, 3, 4]);
    expect([nextUint32(s), nextUint32(s)]).toEqual([11520, 0]);
    expect(Array.from(s)).toEqual([12295, 1029, 1029, 25165824]);
    expect(nextUint32(s)).toBe(5927040);
  });
});

describe('RandomStream', () => {
  it('gives the same sequence for the same seed and name, another for another name or seed', () => {
    const a = draws(new RandomStream(7, 'init'), 100);
    expect(draws(new RandomStream(7, 'init'), 100)).toEqual(a);
    expect(draws(new RandomStream(7, 'data'), 100)).not.toEqual(a);
    expect(draws(new RandomStream(8, 'init'), 100)).not.toEqual(a);
    // seeds above 2^32 are not truncated
    expect(draws(new RandomStream(2 ** 32 + 7, 'init'), 100)).not.toEqual(a);
  });

  it('draws uniforms that pass a chi-square test and have mean 1/2', () => {
    const u = draws(new RandomStream(1, 'u'), N);
    const bins = new Array(10).fill(0);
    let sum = 0;
    for (const x of u) {
      expect(x >= 0 && x < 1).toBe(true);
      bins[Math.floor(x * 10)]++;
      sum += x;
    }
    const chi2 = bins.reduce((acc, c) => acc + (c - N / 10) ** 2 / (N / 10), 0);
    expect(chi2).toBeLessThan(27.88); // chi-square, 9 degrees of freedom, p = 0.001
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / N));
  });

  it('draws standard normals with the right mean, variance and kurtosis', () => {
    const z = new RandomStream(2, 'z').fillNormal(new Float64Array(N));
    const mean = z.reduce((a, b) => a + b, 0) / N;
    const m2 = z.reduce((a, b) => a + (b - mean) ** 2, 0) / N;
    const m4 = z.reduce((a, b) => a + (b - mean) ** 4, 0) / N;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(m2 - 1)).toBeLessThan(4 * Math.sqrt(2 / N));
    expect(Math.abs(m4 / m2 ** 2 - 3)).toBeLessThan(4 * Math.sqrt(24 / N));
    const s = new RandomStream(2, 'scalar');
    const scalars = Array.from({ length: 20_000 }, () => s.normal(5, 2));
    expect(Math.abs(scalars.reduce((a, b) => a + b, 0) / scalars.length - 5)).toBeLessThan(4 * 2 / Math.sqrt(20_000));
  });

  it('draws integers without bias', () => {
    const s = new RandomStream(3, 'int');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[s.int(3)]++;
    const chi2 = counts.reduce((acc, c) => acc + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(13.82); // 2 degrees of freedom, p = 0.001
    expect(() => s.int(0)).toThrow('int(n) needs an integer');
  });

  it('makes permutations', () => {
    const p = new RandomStream(4, 'perm').permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new RandomStream(4, 'perm').permutation(1000)).toEqual(p);
  });

  it('forks children that do not depend on the parent position', () => {
    const parent = new RandomStream(5, 'data');
    const before = draws(parent.fork('epoch-0'), 10);
    draws(parent, 1000);
    expect(draws(parent.fork('epoch-0'), 10)).toEqual(before);
    expect(draws(parent.fork('epoch-1'), 10)).not.toEqual(before);
    expect(parent.fork('epoch-0').path).toBe('data/epoch-0');
  });

  it('saves and restores its position exactly', () => {
    const s = new RandomStream(6, 'noise');
    draws(s, 123);
    const state = s.getState();
    const expected = draws(s, 50);
    expect(draws(RandomStream.fromState(state), 50)).toEqual(expected);
    expect(() => new RandomStream(6, 'other').setState(state)).toThrow('cannot restore stream "other"');
  });

  it('rejects invalid seeds', () => {
    expect(() => new RandomStream(-1, 'x')).toThrow('A seed must be a non-negative integer, got -1.');
    expect(() => new RandomStream(1.5, 'x')).toThrow('got 1.5');
  });

  it('builds tensors from the same values on every call with the same state', () => {
    const a = new RandomStream(9, 'init').normalTensor([3, 4], 0, 0.1);
    const b = new RandomStream(9, 'init').normalTensor([3, 4], 0, 0.1);
    expect(a.shape).toEqual([3, 4]);
    expect(a.dtype).toBe('float32');
    expect(a.dataSync()).toEqual(b.dataSync());
    expect(Array.from(a.dataSync())).toEqual(Array.from(new RandomStream(9, 'init').fillNormal(new Float32Array(12), 0, 0.1)));
    const bern = new RandomStream(9, 'spikes').bernoulliTensor([10_000], 0.3);
    const mean = bern.mean().dataSync()[0];
    expect(Math.abs(mean - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / 10_000));
    [a, b, bern].forEach((t) => t.dispose());
  });
});

describe('RandomStreams', () => {
  it('keeps named streams independent and unshifted by new consumers', () => {
    const first = new RandomStreams(11);
    const initAlone = draws(first.init, 100);

    const second = new RandomStreams(11);
    draws(second.stream('a-new-consumer'), 500);
    draws(second.data, 500);
    expect(draws(second.init, 100)).toEqual(initAlone);
  });

  it('gives uncorrelated streams', () => {
    const s = new RandomStreams(12);
    expect(Math.abs(correlation(draws(s.init, N), draws(s.data, N)))).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(correlation(draws(s.noise, N), draws(s.sampling, N)))).toBeLessThan(4 / Math.sqrt(N));
  });

  it('checkpoints and restores all streams', () => {
    const s = new RandomStreams(13);
    draws(s.init, 10);
    draws(s.data, 20);
    const state = JSON.parse(JSON.stringify(s.getState()));
    const next = [draws(s.init, 5), draws(s.data, 5)];
    const restored = RandomStreams.fromState(state);
    expect([draws(restored.init, 5), draws(restored.data, 5)]).toEqual(next);
  });
});
