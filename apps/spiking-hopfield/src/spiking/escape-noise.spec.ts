import { tf, assertNoTensorLeak, RandomStream, type Tensor } from '@cristal/tensor';
import { escapeNoiseCounts, escapeNoiseRates, type SpikeSampler } from './escape-noise';
import { softmaxFromCounts } from './softmax-estimate';
import { logLogSlope, mean, numbers, replicatedField, softmaxOf } from './spiking.test-helpers';

const h = [2, 1.5, 1, 0.5, 0, -0.5, -1, -2];
const target = softmaxOf(h);

/** Per-row normalised counts of escape-noise neurons driven by `h`, `rows` independent realisations. */
function estimates(rows: number, steps: number, sampler: SpikeSampler, seed: number, maxRate = 0.5): { p: number[][]; totals: number[] } {
  const field = replicatedField(h, rows);
  const counts = escapeNoiseCounts(field, { steps, maxRate, sampler, stream: new RandomStream(seed, `escape-${sampler}`) });
  const est = softmaxFromCounts(counts);
  const out = { p: est.probabilities.arraySync() as number[][], totals: numbers(est.total) };
  tf.dispose([field, counts, est.probabilities, est.total]);
  return out;
}

function meanAbsError(p: number[][]): number {
  return mean(p.map((row) => mean(row.map((x, i) => Math.abs(x - target[i])))));
}

describe('escapeNoiseRates', () => {
  it('is r0 exp(h_i - max h): the top neuron fires at r0, ratios are exp(h_i - h_k), a shift of h changes nothing', () => {
    const field = tf.tensor2d([h, h.map((x) => x + 100)]);
    const rates = escapeNoiseRates(field, 0.4).arraySync() as number[][];
    rates.forEach((row) => row.forEach((r, i) => expect(r).toBeCloseTo(0.4 * Math.exp(h[i] - 2), 6)));
    field.dispose();
  });
});

describe.each<SpikeSampler>(['counts', 'steps'])('escapeNoiseCounts (%s sampler)', (sampler) => {
  it('counts are Binomial(T, rho_i): mean T rho_i and variance T rho_i (1 - rho_i) over 400 realisations', () => {
    const rows = 400;
    const steps = 40;
    const maxRate = 0.8;
    const field = replicatedField(h, rows);
    const counts = escapeNoiseCounts(field, { steps, maxRate, sampler, stream: new RandomStream(21, sampler) });
    const { mean: m, variance: v } = tf.tidy(() => {
      const mo = tf.moments(counts, 0);
      return { mean: mo.mean.arraySync() as number[], variance: mo.variance.arraySync() as number[] };
    });
    h.forEach((x, i) => {
      const rho = maxRate * Math.exp(x - 2);
      const variance = steps * rho * (1 - rho);
      expect(Math.abs(m[i] - steps * rho)).toBeLessThan(4 * Math.sqrt(variance / rows));
      // sample variance of 400 draws: relative standard error about sqrt(2 / 399) = 7%
      expect(Math.abs(v[i] / variance - 1)).toBeLessThan(0.3);
    });
    tf.dispose([field, counts]);
  });

  it('normalised counts converge to the softmax like 1 / sqrt(total count): log-log slope of the mean abs error over T in {16, 64, 256, 1024} in [-0.65, -0.35]', () => {
    const windows = [16, 64, 256, 1024];
    const seeds = [1, 2, 3];
    const errors: number[] = [];
    const totals: number[] = [];
    for (const T of windows) {
      const runs = seeds.map((seed) => estimates(64, T, sampler, seed));
      errors.push(mean(runs.map((r) => meanAbsError(r.p))));
      totals.push(mean(runs.map((r) => mean(r.totals))));
    }
    const slopeT = logLogSlope(windows, errors);
    const slopeCount = logLogSlope(totals, errors);
    console.log(`escape-noise (${sampler}): T ${windows.join(', ')} -> mean spike count ${totals.map((c) => c.toFixed(1)).join(', ')}, MAE ${errors.map((e) => e.toExponential(3)).join(', ')}; slope vs T ${slopeT.toFixed(3)}, vs count ${slopeCount.toFixed(3)}`);
    expect(slopeT).toBeGreaterThanOrEqual(-0.65);
    expect(slopeT).toBeLessThanOrEqual(-0.35);
    expect(slopeCount).toBeGreaterThanOrEqual(-0.65);
    expect(slopeCount).toBeLessThanOrEqual(-0.35);
  });

  it('is unbiased: the mean estimate over 400 realisations (T = 256) is the softmax within 4 standard errors', () => {
    const rows = 400;
    const { p } = estimates(rows, 256, sampler, 5);
    target.forEach((q, i) => {
      const column = p.map((row) => row[i]);
      const m = mean(column);
      const se = Math.sqrt(column.reduce((a, x) => a + (x - m) ** 2, 0) / (rows - 1) / rows);
      expect(Math.abs(m - q)).toBeLessThan(4 * se);
    });
  });
});

describe('escapeNoiseCounts: edges and errors', () => {
  it('leaves a query silent (zero estimate, total 0) when no neuron fires', () => {
    const field = tf.tensor2d([[0, -50, -50]]);
    const counts = escapeNoiseCounts(field, { steps: 1, maxRate: 1e-9, stream: new RandomStream(1, 's') });
    const est = softmaxFromCounts(counts);
    expect(numbers(est.total)).toEqual([0]);
    expect(numbers(est.probabilities)).toEqual([0, 0, 0]);
    tf.dispose([field, counts, est.probabilities, est.total]);
  });

  it('frees every intermediate tensor', () => {
    const field = replicatedField(h, 4);
    const stream = new RandomStream(1, 'leak');
    for (const sampler of ['counts', 'steps'] as const) {
      assertNoTensorLeak(() => escapeNoiseCounts(field, { steps: 5, sampler, stream }).dispose(), { label: `escapeNoiseCounts ${sampler}` });
    }
    field.dispose();
  });

  it.each<[string, (f: Tensor) => unknown, RegExp]>([
    ['maxRate 0', (f) => escapeNoiseCounts(f, { steps: 3, maxRate: 0, stream: new RandomStream(1, 'e') }), /maxRate .* must be in \(0, 1\]/],
    ['maxRate above 1', (f) => escapeNoiseRates(f, 1.5), /maxRate .* must be in \(0, 1\]/],
    ['steps', (f) => escapeNoiseCounts(f, { steps: 2.5, stream: new RandomStream(1, 'e') }), /steps \(readout window\) must be an integer >= 1/],
    ['sampler', (f) => escapeNoiseCounts(f, { steps: 3, sampler: 'exact' as SpikeSampler, stream: new RandomStream(1, 'e') }), /sampler must be 'steps' or 'counts'/],
    ['field rank', () => escapeNoiseRates(tf.tensor1d([1, 2]), 0.5), /field must be \[B, N\]/],
    ['a NaN field', () => escapeNoiseCounts(tf.tensor2d([[1, Number.NaN]]), { steps: 3, stream: new RandomStream(1, 'e') }), /1 NaN or \+Infinity/],
  ])('rejects %s', (_name, call, message) => {
    const f = tf.tensor2d([[1, 2]]);
    expect(() => call(f)).toThrow(message);
    f.dispose();
  });
});
