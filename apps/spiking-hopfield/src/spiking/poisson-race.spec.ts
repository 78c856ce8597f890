import { tf, assertNoTensorLeak, RandomStream } from '@cristal/tensor';
import type { SpikeSampler } from './escape-noise';
import { poissonRaceCounts } from './poisson-race';
import { chiSquare, chiSquareCritical999, logLogSlope, mean, replicatedField, softmaxOf } from './spiking.test-helpers';

const h = [1.2, 0.7, 0.2, -0.3, -1, -2.5];
const target = softmaxOf(h);

function counts(rows: number, steps: number, sampler: SpikeSampler, seed: number, field = h): number[][] {
  const f = replicatedField(field, rows);
  const c = poissonRaceCounts(f, { steps, sampler, stream: new RandomStream(seed, `race-${sampler}`) });
  const out = c.arraySync() as number[][];
  tf.dispose([f, c]);
  return out;
}

describe.each<SpikeSampler>(['counts', 'steps'])('poissonRaceCounts (%s sampler)', (sampler) => {
  it('emits exactly one memory spike per step, won by neuron i with probability softmax(h)_i (chi-square at 0.999)', () => {
    const steps = 50;
    const c = counts(200, steps, sampler, 3);
    c.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBe(steps));
    const pooled = h.map((_, i) => c.reduce((a, row) => a + row[i], 0));
    const draws = 200 * steps;
    const { statistic, dof } = chiSquare(
      pooled,
      target.map((p) => p * draws),
    );
    expect(statistic).toBeLessThan(chiSquareCritical999(dof));
  });

  it('c / T converges to the softmax like 1 / sqrt(T): log-log slope over T in {16, 64, 256, 1024} in [-0.65, -0.35]', () => {
    const windows = [16, 64, 256, 1024];
    const errors = windows.map((T) =>
      mean(
        [1, 2].map((seed) =>
          mean(counts(48, T, sampler, seed).map((row) => mean(row.map((x, i) => Math.abs(x / T - target[i]))))),
        ),
      ),
    );
    const slope = logLogSlope(windows, errors);
    console.log(`poisson race (${sampler}): MAE ${errors.map((e) => e.toExponential(3)).join(', ')} for T ${windows.join(', ')}; slope ${slope.toFixed(3)}`);
    expect(slope).toBeGreaterThanOrEqual(-0.65);
    expect(slope).toBeLessThanOrEqual(-0.35);
  });
});

describe('poissonRaceCounts', () => {
  it('is won by the argmax every time when the margins are large (the beta -> infinity limit)', () => {
    const c = counts(8, 30, 'steps', 4, h.map((x) => 60 * x));
    c.forEach((row) => expect(row).toEqual([30, 0, 0, 0, 0, 0]));
  });

  it('frees every intermediate tensor', () => {
    const f = replicatedField(h, 3);
    const stream = new RandomStream(2, 'leak');
    for (const sampler of ['counts', 'steps'] as const) {
      assertNoTensorLeak(() => poissonRaceCounts(f, { steps: 4, sampler, stream }).dispose(), { label: `poissonRaceCounts ${sampler}` });
    }
    f.dispose();
  });

  it('rejects bad arguments', () => {
    const f = replicatedField(h, 1);
    expect(() => poissonRaceCounts(f, { steps: 0, stream: new RandomStream(1, 'e') })).toThrow(/steps \(readout window\)/);
    expect(() => poissonRaceCounts(f, { steps: 2, sampler: 'x' as SpikeSampler, stream: new RandomStream(1, 'e') })).toThrow(/sampler/);
    const infinite = tf.tensor2d([[0, Infinity]]);
    expect(() => poissonRaceCounts(infinite, { steps: 2, stream: new RandomStream(1, 'e') })).toThrow(/NaN or \+Infinity/);
    infinite.dispose();
    f.dispose();
  });
});
