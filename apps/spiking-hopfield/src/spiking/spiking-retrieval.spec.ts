import { tf, assertNoTensorLeak, RandomStream, RandomStreams, type Tensor } from '@cristal/tensor';
import { denseRetrieval } from './dense-retrieval';
import { disposePatternMemory, patternMemory } from './pattern-memory';
import { readoutFromCounts } from './pattern-readout';
import { retrievalEnergy } from './retrieval-accounting';
import { SpikingHopfield } from './spiking-hopfield';
import { decodedField, disposeSpikingRetrieval, spikingRetrieval, type SpikingReadout, type SpikingRetrievalOptions } from './spiking-retrieval';
import { encodeQuery, disposeQueryCode } from './query-coding';
import { corrupt, numbers, signPatterns } from './spiking.test-helpers';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

const rng = new RandomStreams(30);
const [size, dim] = [40, 64];
const patterns = signPatterns(rng.init, size, dim);
const memory = patternMemory(patterns);
const queries = corrupt(rng.data, patterns, [0, 5, 9, 17, 33], 0.25);
const beta = 0.05;
afterAll(() => {
  disposePatternMemory(memory);
  tf.dispose([patterns, queries]);
});

function options(readout: SpikingReadout, seed = 1, extra: Partial<SpikingRetrievalOptions> = {}): SpikingRetrievalOptions {
  return { beta, coding: 'rate', inputSteps: 8, gain: 1, readout, stream: new RandomStream(seed, 'retrieval'), ...extra };
}

describe('decodedField: the input the memory neurons sample from', () => {
  it('is exactly beta X xi for +-1 queries at gain 1 (every input spikes every step) and for latency codes on the grid', () => {
    const dense = tf.tidy(() => tf.mul(tf.matMul(queries, patterns, false, true), beta));
    const rate = encodeQuery(queries, { coding: 'rate', steps: 6, gain: 1, stream: rng.sampling });
    const latency = encodeQuery(queries, { coding: 'latency', steps: 5 });
    for (const code of [rate, latency]) {
      const field = decodedField(memory, code, beta, 1);
      expect(maxAbsDiff(field, dense)).toBeLessThan(1e-5);
      field.dispose();
      disposeQueryCode(code);
    }
    dense.dispose();
  });
});

describe('spikingRetrieval', () => {
  it('poisson race: the retrieved pattern converges to the dense update as T grows, and the estimate to its softmax', () => {
    const dense = denseRetrieval(memory, queries, beta);
    const errors = [16, 256, 4096].map((steps) => {
      const r = spikingRetrieval(memory, queries, options({ kind: 'poisson-race', steps }));
      const e = { pattern: maxAbsDiff(r.retrieved, dense.retrieved), probabilities: maxAbsDiff(r.probabilities, dense.probabilities) };
      disposeSpikingRetrieval(r);
      return e;
    });
    console.log(`poisson race vs dense, T = 16 / 256 / 4096: max |retrieved error| ${errors.map((e) => e.pattern.toFixed(4)).join(' / ')}, max |p error| ${errors.map((e) => e.probabilities.toFixed(4)).join(' / ')}`);
    // 1 / sqrt(T): a factor 4 per 16x window; demand at least 2
    expect(errors[1].pattern).toBeLessThan(errors[0].pattern / 2);
    expect(errors[2].pattern).toBeLessThan(errors[1].pattern / 2);
    expect(errors[2].probabilities).toBeLessThan(0.03);
    tf.dispose([dense.probabilities, dense.retrieved]);
  });

  it('escape noise: field beta X xi, normalised counts near the softmax, retrieved pattern read out from the spikes', () => {
    const dense = denseRetrieval(memory, queries, beta);
    const r = spikingRetrieval(memory, queries, options({ kind: 'escape-noise', steps: 2000, maxRate: 0.5 }));
    const scores = tf.tidy(() => tf.mul(tf.matMul(queries, patterns, false, true), beta));
    expect(maxAbsDiff(r.field as Tensor, scores)).toBeLessThan(1e-5);
    scores.dispose();
    expect(maxAbsDiff(r.probabilities, dense.probabilities)).toBeLessThan(0.03);
    const direct = tf.matMul(r.probabilities, memory.patterns);
    expect(maxAbsDiff(r.retrieved, direct)).toBeLessThan(1e-5); // event-driven readout = X^T (c / sum c)
    tf.dispose([dense.probabilities, dense.retrieved, direct]);
    disposeSpikingRetrieval(r);
  });

  it('latency WTA: retrieves the stored pattern of the argmax overlap, one memory spike per query', () => {
    const r = spikingRetrieval(memory, queries, options({ kind: 'latency-wta', threshold: 60 }, 2, { gain: 0.5, inputSteps: 30 }));
    const winners = numbers(r.winner);
    expect(winners).toEqual([0, 5, 9, 17, 33]);
    const expected = tf.gather(patterns, tf.tensor1d(winners, 'int32'));
    expect(maxAbsDiff(r.retrieved, expected)).toBe(0);
    expect(numbers(tf.sum(r.probabilities, 1))).toEqual([1, 1, 1, 1, 1]);
    expect(r.activity.memorySpikes).toBe(5);
    expect(r.field).toBeNull();
    expect(Math.min(...(r.decisionStep ? numbers(r.decisionStep) : []))).toBeGreaterThanOrEqual(0);
    expected.dispose();
    disposeSpikingRetrieval(r);
  });

  it('accounts synaptic operations event by event: input spikes x N, memory spikes x (d [+ N - 1 inhibitory])', () => {
    const B = 5;
    const T = 8;
    // +-1 queries at gain 1: every input spikes at every step, B d T input spikes
    const race = spikingRetrieval(memory, queries, options({ kind: 'poisson-race', steps: 20 }));
    expect(race.activity.inputSpikes).toBe(B * dim * T);
    expect(race.activity.memorySpikes).toBe(B * 20);
    expect(race.activity.synapticOps).toEqual({ input: B * dim * T * size, memory: B * 20 * (dim + size - 1), total: B * dim * T * size + B * 20 * (dim + size - 1) });
    expect(race.activity.denseMacsPerQuery).toBe(2 * size * dim);
    const escape = spikingRetrieval(memory, queries, options({ kind: 'escape-noise', steps: 20 }));
    const spikes = tf.sum(escape.memorySpikes).dataSync()[0];
    expect(escape.activity.memorySpikes).toBe(spikes);
    expect(escape.activity.synapticOps.memory).toBe(spikes * dim);
    const wta = spikingRetrieval(memory, queries, options({ kind: 'latency-wta', threshold: 60 }));
    const steps = (wta.decisionStep ? numbers(wta.decisionStep) : []);
    expect(wta.activity.inputSpikes).toBe(steps.reduce((a, t) => a + dim * (t + 1), 0)); // only until each decision
    expect(wta.activity.readoutSteps).toBe(0);
    // energy: SOPs at 0.9 pJ against 2 N d MACs at 4.6 pJ (fp32, 45 nm)
    const energy = retrievalEnergy(race.activity);
    expect(energy.spiking.energyPerSampleJ).toBeCloseTo((race.activity.synapticOpsPerQuery * 0.9e-12) / 1, 20);
    expect(energy.dense.energyPerSampleJ).toBeCloseTo(2 * size * dim * 4.6e-12, 20);
    expect(energy.ratio).toBeCloseTo(energy.spiking.energyPerSampleJ / energy.dense.energyPerSampleJ, 12);
    [race, escape, wta].forEach(disposeSpikingRetrieval);
  });

  it('is reproducible from the seed and changes with it', () => {
    const run = (seed: number) => {
      const r = spikingRetrieval(memory, queries, options({ kind: 'escape-noise', steps: 30 }, seed, { gain: 0.7 }));
      const c = numbers(r.memorySpikes);
      disposeSpikingRetrieval(r);
      return c;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it.each<SpikingReadout>([
    { kind: 'escape-noise', steps: 6, sampler: 'steps' },
    { kind: 'escape-noise', steps: 6 },
    { kind: 'poisson-race', steps: 6, sampler: 'steps' },
    { kind: 'poisson-race', steps: 6 },
    { kind: 'latency-wta', threshold: 60 },
  ])('frees every intermediate tensor (%o)', (readout) => {
    const stream = new RandomStream(5, 'leak');
    assertNoTensorLeak(() => disposeSpikingRetrieval(spikingRetrieval(memory, queries, { ...options(readout), stream, gain: 0.8 })), { label: readout.kind });
  });

  it.each<[string, Partial<SpikingRetrievalOptions>, RegExp]>([
    ['a wrong query width', {}, /queries must be \[B, 64\]/],
    ['an unknown readout', { readout: { kind: 'argmax' } as unknown as SpikingReadout }, /readout.kind must be/],
    ['beta 0', { beta: 0 }, /beta .* must be a positive finite number/],
    ['leak above 1', { leak: 2 }, /leak .* must be in \(0, 1\]/],
    ['a leaky latency decoder', { coding: 'latency', leak: 0.9 }, /perfect integrator \(leak 1\)/],
  ])('rejects %s', (name, override, message) => {
    const q = name === 'a wrong query width' ? tf.zeros([2, 10]) : queries;
    expect(() => spikingRetrieval(memory, q, { ...options({ kind: 'escape-noise', steps: 4 }), ...override })).toThrow(message);
    if (q !== queries) q.dispose();
  });
});

describe('readoutFromCounts', () => {
  it('equals matMul(c / sum c, X) and gives zeros for a silent query', () => {
    const counts = tf.tidy(() => tf.mul(tf.cast(tf.less(rng.data.uniformTensor([4, size]), 0.1), 'float32'), 3));
    const silent = tf.concat([counts, tf.zeros([1, size])]);
    const event = readoutFromCounts(memory, silent);
    const dense = tf.tidy(() => tf.matMul(tf.div(silent, tf.maximum(tf.sum(silent, 1, true), 1)), memory.patterns));
    expect(maxAbsDiff(event, dense)).toBeLessThan(1e-6);
    expect(numbers(tf.slice(event, [4, 0], [1, dim])).every((x) => x === 0)).toBe(true);
    expect(() => readoutFromCounts(memory, tf.zeros([1, 3]))).toThrow(/counts must be \[B, 40\]/);
    tf.dispose([counts, silent, event, dense]);
  });
});

describe('SpikingHopfield', () => {
  it('wraps the functional core: retrieve, dense, per-call overrides, dispose', () => {
    const net = new SpikingHopfield(patterns, options({ kind: 'latency-wta', threshold: 60 }));
    const r = net.retrieve(queries);
    expect(numbers(r.winner)).toEqual([0, 5, 9, 17, 33]);
    disposeSpikingRetrieval(r);
    const race = net.retrieve(queries, { readout: { kind: 'poisson-race', steps: 10 } });
    expect(race.activity.memorySpikes).toBe(50);
    disposeSpikingRetrieval(race);
    const d = net.dense(queries);
    expect(d.retrieved.shape).toEqual([5, dim]);
    tf.dispose([d.retrieved, d.probabilities]);
    net.dispose();
    expect(() => net.retrieve(queries)).toThrow(/disposed/);
    expect(patterns.isDisposed).toBe(false); // the caller's tensor was copied
  });
});
