import { tf, RandomStreams, RandomStream, type Tensor } from '@cristal/tensor';
import { flipBits, patternsToFloat32, randomPatterns } from '@cristal/datasets';
import { retrieveAsynchronous, updatedNeuron } from './asynchronous';
import { ClassicalHopfieldNetwork } from './classical-hopfield-network';
import { hebbianWeights } from './hebbian-weights';
import { classicalEnergy64, localField64 } from '../reference.test-helpers';

function patterns(seed: number, count: number, dimension: number): Tensor {
  return tf.tensor2d(patternsToFloat32(randomPatterns({ count, dimension }, new RandomStreams(seed).data)), [count, dimension]);
}

/** A random symmetric matrix with a zero diagonal: the energy argument needs nothing more. */
function randomSymmetric(seed: number, d: number): Tensor {
  return tf.tidy(() => {
    const a = new RandomStreams(seed).init.normalTensor([d, d]);
    return tf.mul(tf.add(a, tf.transpose(a)), tf.sub(1, tf.eye(d)));
  });
}

describe('asynchronous dynamics', () => {
  it.each([
    ['Hebbian W (N = 10, d = 64)', () => hebbianWeights(patterns(1, 10, 64))],
    ['random symmetric W (d = 64)', () => randomSymmetric(2, 64)],
  ])('%s: no single-neuron update of a random state raises the energy; dE = -(s_i new - s_i old) h_i', (_label, makeWeights) => {
    const w = makeWeights();
    const wd = w.dataSync();
    const stream = new RandomStream(3, 'states');
    let flips = 0;
    for (let r = 0; r < 20; r++) {
      const s = Float32Array.from({ length: 64 }, () => (stream.uniform() < 0.5 ? -1 : 1));
      const e0 = classicalEnergy64(wd, s);
      for (let i = 0; i < 64; i++) {
        const next = updatedNeuron(wd, s, i);
        const h = localField64(wd, s, i);
        expect(next).toBe(h > 0 ? 1 : h < 0 ? -1 : s[i]);
        const moved = Float32Array.from(s);
        moved[i] = next;
        const e1 = classicalEnergy64(wd, moved);
        expect(e1 - e0).toBeCloseTo(-(next - s[i]) * h, 9);
        expect(e1).toBeLessThanOrEqual(e0 + 1e-9);
        if (next !== s[i]) flips++;
      }
    }
    // random states are far from any minimum, so many of the 1,280 single updates do flip a neuron
    expect(flips).toBeGreaterThan(300);
    w.dispose();
  });

  it('lowers the energy strictly at every flip along a whole retrieval, and stops at a fixed point', () => {
    const x = patterns(5, 12, 100);
    const w = hebbianWeights(x);
    const wd = w.dataSync();
    const start = tf.tidy(() => tf.sign(new RandomStreams(6).data.uniformTensor([4, 100], -1, 1)));
    const energies: number[][] = [0, 1, 2, 3].map((r) => [classicalEnergy64(wd, start.dataSync().subarray(r * 100, (r + 1) * 100))]);
    const result = retrieveAsynchronous(w, start, new RandomStream(7, 'order'), { onFlip: ({ row, state }) => energies[row].push(classicalEnergy64(wd, state)) });
    for (const trace of energies) {
      expect(trace.length).toBeGreaterThan(5);
      for (let t = 1; t < trace.length; t++) expect(trace[t]).toBeLessThan(trace[t - 1]);
    }
    expect(result.converged).toEqual([true, true, true, true]);
    // a fixed point: no neuron wants to change
    const final = result.state.dataSync();
    for (let r = 0; r < 4; r++) {
      const s = final.subarray(r * 100, (r + 1) * 100);
      for (let i = 0; i < 100; i++) expect(updatedNeuron(wd, s, i)).toBe(s[i]);
    }
    tf.dispose([x, w, start, result.state]);
  });

  it('keeps a neuron whose field is exactly 0 (the documented sign(0) convention)', () => {
    const w = new Float32Array(9);
    expect(updatedNeuron(w, [1, -1, 1], 1)).toBe(-1);
    expect(updatedNeuron(w, [1, -1, 1], 0)).toBe(1);
    const zero = tf.zeros([3, 3]);
    const s = tf.tensor2d([[1, -1, 1]]);
    const result = retrieveAsynchronous(zero, s, new RandomStream(1, 'order'));
    expect(Array.from(result.state.dataSync())).toEqual([1, -1, 1]);
    expect(result).toMatchObject({ sweeps: [1], converged: [true] });
    tf.dispose([zero, s, result.state]);
  });

  it('keeps the stored patterns as fixed points when N << d (d = 256, N = 5)', () => {
    const x = patterns(8, 5, 256);
    const net = ClassicalHopfieldNetwork.store(x);
    const result = net.retrieveAsynchronous(x, new RandomStream(9, 'order'));
    expect(result).toMatchObject({ sweeps: [1, 1, 1, 1, 1], converged: [true, true, true, true, true] });
    expect(Array.from(result.state.dataSync())).toEqual(Array.from(x.dataSync()));
    const sync = net.synchronousStep(x);
    expect(Array.from(sync.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, result.state, sync]);
    net.dispose();
  });

  // Capacity of the Hebbian network is about 0.138 d (Amit, Gutfreund and Sompolinsky 1985). Measured
  // over 20 seeds at d = 200 with 5% (10) flipped bits, the fraction of patterns recovered exactly was
  // 1.000 in every seed at N = 10 (load 0.05), and at most 0.017 (mean 0.001) at N = 60 (load 0.3),
  // where the mean final overlap was 0.43. The bounds below leave wide margins on both sides.
  it.each([1, 2, 3])('retrieves well below capacity and fails well above it (d = 200, 5%% flipped, seed %i)', (seed) => {
    const d = 200;
    const rates: Record<number, { exact: number; overlap: number }> = {};
    for (const n of [10, 60]) {
      const rng = new RandomStreams(seed);
      const stored = randomPatterns({ count: n, dimension: d }, rng.data);
      const x = tf.tensor2d(patternsToFloat32(stored), [n, d]);
      const cues = tf.tensor2d(patternsToFloat32(flipBits(stored, 0.05, rng.noise)), [n, d]);
      const net = ClassicalHopfieldNetwork.store(x);
      expect(net.load).toBeCloseTo(n / d, 12);
      const result = net.retrieveAsynchronous(cues, rng.sampling);
      const overlaps = tf.tidy(() => tf.div(tf.sum(tf.mul(result.state, x), 1), d).arraySync() as number[]);
      rates[n] = { exact: overlaps.filter((o) => o === 1).length / n, overlap: overlaps.reduce((a, b) => a + b, 0) / n };
      tf.dispose([x, cues, result.state]);
      net.dispose();
    }
    console.log(`[capacity] seed ${seed}, d = 200, 5% flipped: N = 10 exact ${rates[10].exact.toFixed(3)} (mean overlap ${rates[10].overlap.toFixed(3)}); N = 60 exact ${rates[60].exact.toFixed(3)} (mean overlap ${rates[60].overlap.toFixed(3)})`);
    expect(rates[10].exact).toBeGreaterThanOrEqual(0.9);
    expect(rates[60].exact).toBeLessThanOrEqual(0.1);
    expect(rates[60].overlap).toBeLessThan(0.75);
  });

  it('is reproducible from the seed of its order stream', () => {
    const w = randomSymmetric(10, 30);
    const s = tf.tidy(() => tf.sign(new RandomStreams(11).data.uniformTensor([6, 30], -1, 1)));
    const a = retrieveAsynchronous(w, s, new RandomStream(12, 'order'));
    const b = retrieveAsynchronous(w, s, new RandomStream(12, 'order'));
    expect(Array.from(a.state.dataSync())).toEqual(Array.from(b.state.dataSync()));
    expect(a.sweeps).toEqual(b.sweeps);
    // a row's trajectory does not depend on the other rows of the batch
    const row = tf.tidy(() => s.slice([3, 0], [1, 30]));
    const alone = retrieveAsynchronous(w, row, new RandomStream(12, 'order'));
    expect(Array.from(alone.state.dataSync())).toEqual(Array.from(a.state.dataSync().subarray(90, 120)));
    tf.dispose([w, s, a.state, b.state, row, alone.state]);
  });

  it('refuses a bad sweep budget and mismatched shapes', () => {
    const w = tf.zeros([3, 3]);
    const s = tf.ones([1, 4]);
    expect(() => retrieveAsynchronous(w, s, new RandomStream(1, 'x'))).toThrow('retrieveAsynchronous: states must be [batch, 3]');
    expect(() => retrieveAsynchronous(w, s, new RandomStream(1, 'x'), { maxSweeps: 0 })).toThrow('maxSweeps must be a positive integer, got 0');
    tf.dispose([w, s]);
  });
});
