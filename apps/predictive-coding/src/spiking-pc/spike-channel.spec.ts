import { RandomStream, tf, type Tensor, type Tensor2D } from '@cristal/tensor';
import { spikeCarriedBias, spikeCarriedMean, spikeCarriedVariance, spikeProbability } from './channel-statistics';
import { emitErrorSpikes, expectedSpikeCarriedError, spikeCarriedError, spikeProbabilities, transmitErrors } from './spike-channel';

/** `rows` copies of the error vector and one uniform per entry. */
function replicate(errors: number[], rows: number, stream: RandomStream): { e: Tensor2D; u: Tensor2D } {
  return { e: tf.tile(tf.tensor2d([errors]), [rows, 1]) as Tensor2D, u: stream.uniformTensor([rows, errors.length]) as Tensor2D };
}

/** Column means and (population) variances of a [rows, n] tensor, in float64. */
function columnMeans(t: Tensor2D): number[] {
  const [rows, n] = t.shape;
  const v = t.dataSync();
  const mean = new Array<number>(n).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) mean[j] += v[i * n + j];
  return mean.map((m) => m / rows);
}

/** Values with -0 read as 0 (sign(e) x 0 is -0 for e < 0; the same spike count). */
const values = (t: Tensor) => Array.from(t.dataSync() as Float32Array, (v) => v + 0);

describe('the signed stochastic error channel', () => {
  const rMax = 1;
  // positive, negative, zero, small, near the bound, exactly at the bound (both signs): all |e| <= r_max
  const errors = [0.7, -0.3, 0, 0.05, -0.95, 1, -1, 0.5];
  const draws = 20_000;

  it('is unbiased: the mean spike-carried error equals e within 5 sigma of its Bernoulli sampling error, for every entry', () => {
    const mean = tf.tidy(() => {
      const { e, u } = replicate(errors, draws, new RandomStream(7, 'unbiased'));
      return columnMeans(spikeCarriedError(emitErrorSpikes(e, rMax, u), rMax));
    });
    let worstZ = 0;
    errors.forEach((e, j) => {
      const sigma = Math.sqrt(spikeCarriedVariance(e, rMax) / draws); // Var[c] = |e| (r - |e|)
      if (sigma === 0) expect(mean[j]).toBe(e); // e = 0 never fires; |e| = r_max fires every step
      else {
        worstZ = Math.max(worstZ, Math.abs(mean[j] - e) / sigma);
        expect(Math.abs(mean[j] - e)).toBeLessThanOrEqual(5 * sigma);
      }
    });
    console.log(`[spiking-pc] channel unbiasedness over ${draws} steps: worst |mean - e| = ${worstZ.toFixed(2)} sigma; e = 0 and |e| = r_max exact`);
    // every spike carries exactly r_max with the sign of its error
    tf.tidy(() => {
      const { e, u } = replicate(errors, 200, new RandomStream(8, 'values'));
      const carried = spikeCarriedError(emitErrorSpikes(e, rMax, u), rMax).dataSync();
      carried.forEach((c, i) => expect([0, rMax * Math.sign(errors[i % errors.length])]).toContain(c + 0));
    });
  });

  it('has the expectation r_max (p+ - p-) = e exactly (to float32 precision), and the noise-free channel sends e bit for bit', () => {
    tf.tidy(() => {
      for (const r of [1, 2.5, 0.125]) {
        const e = tf.tensor2d([errors.map((v) => v * r)]) as Tensor2D;
        const p = spikeProbabilities(e, r);
        const expectation = tf.mul(tf.sub(p.positive, p.negative), r).dataSync();
        const values = e.dataSync();
        values.forEach((v, j) => expect(Math.abs(expectation[j] - v)).toBeLessThanOrEqual(2 * 2 ** -24 * Math.max(Math.abs(v), 1e-30)));
        expect(Array.from(expectedSpikeCarriedError(e, r).dataSync())).toEqual(Array.from(values));
        // one channel at a time: p+ p- = 0 everywhere
        expect(tf.max(tf.mul(p.positive, p.negative)).dataSync()[0]).toBe(0);
      }
    });
  });

  it('the few-op channel of the inference loop emits exactly the spikes of the two-channel form', () => {
    tf.tidy(() => {
      for (const r of [1, 0.5]) {
        const { e, u } = replicate(errors.map((v) => v * r * 1.3), 500, new RandomStream(3, 'fused'));
        const spikes = emitErrorSpikes(e, r, u);
        const fused = transmitErrors(e, r, u);
        expect(values(fused.carried)).toEqual(values(spikeCarriedError(spikes, r)));
        expect(values(fused.spikes as Tensor2D)).toEqual(values(tf.add(spikes.positive, spikes.negative)));
        const noiseFree = transmitErrors(e, r, null);
        expect(noiseFree.spikes).toBeNull();
        expect(values(noiseFree.carried)).toEqual(values(expectedSpikeCarriedError(e, r)));
      }
    });
  });

  it('saturates above r_max: reports the clipped units, and its bias is exactly -(|e| - r_max) sign(e) there, 0 elsewhere', () => {
    const over = [2.5, -1.5, 0.5, -0.25];
    const { mean, clipped } = tf.tidy(() => {
      const { e, u } = replicate(over, 2000, new RandomStream(5, 'clip'));
      const step = transmitErrors(e, rMax, u);
      return { mean: columnMeans(step.carried), clipped: Array.from(tf.mean(step.clipped, 0).dataSync()) };
    });
    expect(clipped).toEqual([1, 1, 0, 0]); // clipping fraction 2 / 4 of the unit-steps
    // p = 1 above r_max: a spike every step, so the mean is exactly +-r_max and |E[c]| <= r_max always
    expect(mean[0]).toBe(rMax);
    expect(mean[1]).toBe(-rMax);
    // the documented bias -(|e| - r_max) sign(e): -1.5 and +0.5 here, 0 for the unclipped entries
    expect(over.map((e) => spikeCarriedBias(e, rMax) + 0)).toEqual([-1.5, 0.5, 0, 0]);
    expect(mean[0] - over[0]).toBe(-1.5);
    expect(mean[1] - over[1]).toBe(0.5);
    expect(over.map((e) => spikeCarriedMean(e, rMax) + 0)).toEqual([1, -1, 0.5, -0.25]);
    for (const j of [2, 3]) expect(Math.abs(mean[j] - over[j])).toBeLessThanOrEqual(5 * Math.sqrt(spikeCarriedVariance(over[j], rMax) / 2000));
  });

  it('trades spikes for variance: r_max x4 sends ~4x fewer spikes (sum of p within 5 sigma), still unbiased', () => {
    const small = [0.2, -0.1, 0.05, -0.3];
    const counts = [1, 4].map((r) =>
      tf.tidy(() => {
        const { e, u } = replicate(small, draws, new RandomStream(11, `budget-${r}`));
        const step = transmitErrors(e, r, u);
        const mean = columnMeans(step.carried);
        small.forEach((v, j) => expect(Math.abs(mean[j] - v)).toBeLessThanOrEqual(5 * Math.sqrt(spikeCarriedVariance(v, r) / draws)));
        const expected = draws * small.reduce((s, v) => s + spikeProbability(v, r), 0);
        const sigma = Math.sqrt(draws * small.reduce((s, v) => s + spikeProbability(v, r) * (1 - spikeProbability(v, r)), 0));
        const spikes = tf.sum(step.spikes as Tensor2D).dataSync()[0];
        expect(Math.abs(spikes - expected)).toBeLessThanOrEqual(5 * sigma);
        return spikes;
      }),
    );
    expect(counts[0] / counts[1]).toBeGreaterThan(3.7);
    expect(counts[0] / counts[1]).toBeLessThan(4.3);
  });

  it('rejects a bad r_max and uniforms of the wrong shape', () => {
    tf.tidy(() => {
      const e = tf.zeros([2, 3]) as Tensor2D;
      expect(() => spikeProbabilities(e, 0)).toThrow(/r_max must be a positive finite number/);
      expect(() => transmitErrors(e, Number.NaN, null)).toThrow(/r_max/);
      expect(() => emitErrorSpikes(e, 1, tf.zeros([3, 2]) as Tensor2D)).toThrow(/one uniform draw per error unit: errors are \[2, 3\], uniforms \[3, 2\]/);
    });
  });
});
