import { tf, assertNoTensorLeak, RandomStreams, type Tensor } from '@cristal/tensor';
import { latencyWinnerTakeAll, type LatencyWtaResult } from './latency-wta';
import { disposePatternMemory, patternMemory, type PatternMemory } from './pattern-memory';
import { disposeQueryCode, encodeQuery, type QueryCode } from './query-coding';
import { corrupt, eventDrivenMembranes, mean, numbers, signPatterns } from './spiking.test-helpers';

function read(r: LatencyWtaResult): { winner: number[]; step: number[]; input: number[] } {
  const out = { winner: numbers(r.winner), step: numbers(r.decisionStep), input: numbers(r.inputSpikes) };
  tf.dispose([r.winner, r.decisionStep, r.inputSpikes]);
  return out;
}

function overlaps(memory: PatternMemory, queries: Tensor): number[][] {
  return tf.tidy(() => tf.matMul(queries, memory.patterns, false, true).arraySync() as number[][]);
}

function argmax(row: number[]): number {
  return row.indexOf(Math.max(...row));
}

describe('latencyWinnerTakeAll with clear margins', () => {
  const rng = new RandomStreams(10);
  const [size, dim] = [32, 64];
  const patterns = signPatterns(rng.init, size, dim);
  const memory = patternMemory(patterns);
  const rows = Array.from({ length: size }, (_, i) => i);
  const queries = corrupt(rng.data, patterns, rows, 0.1);
  const m = overlaps(memory, queries);
  afterAll(() => {
    disposePatternMemory(memory);
    tf.dispose([patterns, queries]);
  });

  it('the setup has clear margins: each query overlaps its own pattern by 51, every other by at most 30', () => {
    m.forEach((row, b) => {
      expect(row[b]).toBe(dim - 2 * Math.round(0.1 * dim));
      expect(Math.max(...row.filter((_, i) => i !== b))).toBeLessThanOrEqual(30);
    });
  });

  it.each<[string, () => QueryCode]>([
    ['rate coding, gain 0.5 (noisy spike counts)', () => encodeQuery(queries, { coding: 'rate', steps: 40, gain: 0.5, stream: rng.sampling })],
    ['latency coding (step synapses)', () => encodeQuery(queries, { coding: 'latency', steps: 40 })],
  ])('%s: the winner is argmax_i (X xi)_i for every query', (_name, makeCode) => {
    const code = makeCode();
    const r = read(latencyWinnerTakeAll(memory, code, { threshold: 100 }));
    r.winner.forEach((w, b) => expect(w).toBe(argmax(m[b])));
    expect(Math.min(...r.step)).toBeGreaterThanOrEqual(0);
    disposeQueryCode(code);
  });

  it('decides later for weaker inputs: mean latency strictly decreases as the gain grows, and as the overlap grows', () => {
    const byGain = [0.25, 0.5, 1].map((gain) => {
      const code = encodeQuery(queries, { coding: 'rate', steps: 60, gain, stream: rng.sampling });
      const r = read(latencyWinnerTakeAll(memory, code, { threshold: 100 }));
      disposeQueryCode(code);
      return mean(r.step);
    });
    expect(byGain[1]).toBeLessThan(byGain[0]);
    expect(byGain[2]).toBeLessThan(byGain[1]);
    const byOverlap = [0.3, 0.15, 0].map((fraction) => {
      const q = corrupt(rng.data, patterns, rows, fraction);
      const code = encodeQuery(q, { coding: 'rate', steps: 60, gain: 0.5, stream: rng.sampling });
      const r = read(latencyWinnerTakeAll(memory, code, { threshold: 100 }));
      tf.dispose(q);
      disposeQueryCode(code);
      return mean(r.step);
    });
    console.log(`latency WTA mean decision step: gain 0.25/0.5/1 -> ${byGain.map((x) => x.toFixed(2)).join(', ')}; flips 30%/15%/0% -> ${byOverlap.map((x) => x.toFixed(2)).join(', ')}`);
    expect(byOverlap[1]).toBeLessThan(byOverlap[0]);
    expect(byOverlap[2]).toBeLessThan(byOverlap[1]);
  });
});

describe('latencyWinnerTakeAll: closed forms', () => {
  // +-1 queries at gain 1 spike at every step: the membrane of neuron i is exactly (t + 1) m_i (delta
  // synapses) or leak-weighted, so the decision step has a closed form.
  const rng = new RandomStreams(12);
  const patterns = signPatterns(rng.init, 10, 16);
  const memory = patternMemory(patterns);
  const queries = corrupt(rng.data, patterns, [0, 1, 2, 3], 0.125);
  const m = overlaps(memory, queries);
  afterAll(() => {
    disposePatternMemory(memory);
    tf.dispose([patterns, queries]);
  });

  it.each([1, 0.8])('rate code at gain 1, leak %f: decision step = first t with m_max (1 + leak + ... + leak^t) >= theta; input spikes = d (t + 1)', (leak) => {
    const code = encodeQuery(queries, { coding: 'rate', steps: 30, gain: 1, stream: rng.sampling });
    const threshold = 40.5; // m_max = 12: step 3 without leak, step 5 with leak 0.8
    const r = read(latencyWinnerTakeAll(memory, code, { threshold, leak }));
    m.forEach((row, b) => {
      const top = Math.max(...row);
      let v = 0;
      let t = 0;
      for (; t < 30; t++) {
        v = leak * v + top;
        if (v >= threshold) break;
      }
      expect(r.step[b]).toBe(t);
      expect(r.winner[b]).toBe(argmax(row));
      expect(r.input[b]).toBe(16 * (t + 1));
    });
    disposeQueryCode(code);
  });

  it('latency code of +-1 queries (all spikes at step 0, step synapses): the membrane is t m_i, decision step = ceil(theta / m_max)', () => {
    const code = encodeQuery(queries, { coding: 'latency', steps: 20 });
    const threshold = 30.5;
    const r = read(latencyWinnerTakeAll(memory, code, { threshold }));
    m.forEach((row, b) => {
      expect(r.step[b]).toBe(Math.ceil(threshold / Math.max(...row)));
      expect(r.input[b]).toBe(16); // all delivered at step 0
    });
    disposeQueryCode(code);
  });

  it('stays undecided below threshold: winner -1, step -1, every input spike delivered', () => {
    const code = encodeQuery(queries, { coding: 'rate', steps: 5, gain: 1, stream: rng.sampling });
    const r = read(latencyWinnerTakeAll(memory, code, { threshold: 1e6 }));
    expect(r.winner).toEqual([-1, -1, -1, -1]);
    expect(r.step).toEqual([-1, -1, -1, -1]);
    expect(r.input).toEqual([80, 80, 80, 80]);
    disposeQueryCode(code);
  });
});

describe('latencyWinnerTakeAll: ties', () => {
  function winnerOf(rows: number[][], query: number[], threshold: number): number {
    const memory = patternMemory(tf.tensor2d(rows));
    const q = tf.tensor2d([query]);
    const code = encodeQuery(q, { coding: 'rate', steps: 3, gain: 1, stream: new RandomStreams(0).sampling });
    const r = read(latencyWinnerTakeAll(memory, code, { threshold }));
    disposeQueryCode(code);
    disposePatternMemory(memory);
    q.dispose();
    return r.winner[0];
  }

  it('among neurons crossing in the same step the highest membrane wins, even at a higher index', () => {
    expect(winnerOf([[1, 1, 1, 0], [1, 1, 1, 1]], [1, 1, 1, 1], 2.5)).toBe(1);
  });

  it('exact ties go to the lowest index (two identical stored patterns, or equal overlaps)', () => {
    expect(winnerOf([[1, -1, 1, -1], [0, 0, 0, 1], [1, -1, 1, -1]], [1, -1, 1, -1], 3)).toBe(0);
    expect(winnerOf([[0, 0, 1, 1], [1, 1, 0, 0]], [1, 1, 1, 1], 2)).toBe(0);
  });
});

describe('latencyWinnerTakeAll against the per-spike event-driven reference', () => {
  it('gives the same winner and decision step for noisy real-valued queries', () => {
    const rng = new RandomStreams(13);
    const [size, dim, batch, steps] = [12, 20, 16, 25];
    const patterns = rng.init.normalTensor([size, dim]);
    const memory = patternMemory(patterns);
    const queries = rng.data.normalTensor([batch, dim]);
    const code = encodeQuery(queries, { coding: 'rate', steps, gain: 0.6, stream: rng.sampling });
    const threshold = 6;
    const leak = 0.9;
    const r = read(latencyWinnerTakeAll(memory, code, { threshold, leak }));
    const v = eventDrivenMembranes(patterns.arraySync() as number[][], code.spikes.arraySync() as number[][][], 'delta', leak);
    for (let b = 0; b < batch; b++) {
      let winner = -1;
      let step = -1;
      for (let t = 0; t < steps && winner < 0; t++) {
        let best = -Infinity;
        v[t][b].forEach((x, i) => {
          if (x >= threshold && x > best) {
            best = x;
            winner = i;
            step = t;
          }
        });
      }
      expect([r.winner[b], r.step[b]]).toEqual([winner, step]);
    }
    expect(r.winner.filter((w) => w >= 0).length).toBeGreaterThan(batch / 2); // the comparison is not vacuous
    disposeQueryCode(code);
    disposePatternMemory(memory);
    tf.dispose([patterns, queries]);
  });

  it('stops as soon as every query has decided, and frees its tensors', () => {
    const rng = new RandomStreams(14);
    const patterns = signPatterns(rng.init, 6, 8);
    const memory = patternMemory(patterns);
    const code = encodeQuery(patterns, { coding: 'rate', steps: 50, gain: 1, stream: rng.sampling });
    const r = latencyWinnerTakeAll(memory, code, { threshold: 20 }); // m = 8 per step: decides at step 2
    expect(r.stepsSimulated).toBe(3);
    tf.dispose([r.winner, r.decisionStep, r.inputSpikes]);
    assertNoTensorLeak(() => {
      const x = latencyWinnerTakeAll(memory, code, { threshold: 20, leak: 0.9 });
      tf.dispose([x.winner, x.decisionStep, x.inputSpikes]);
    }, { label: 'latencyWinnerTakeAll' });
    expect(() => latencyWinnerTakeAll(memory, code, { threshold: 0 })).toThrow(/threshold must be a positive finite number/);
    expect(() => latencyWinnerTakeAll(memory, code, { threshold: 1, leak: 1.2 })).toThrow(/leak .* must be in \(0, 1\]/);
    disposeQueryCode(code);
    disposePatternMemory(memory);
    patterns.dispose();
  });
});
