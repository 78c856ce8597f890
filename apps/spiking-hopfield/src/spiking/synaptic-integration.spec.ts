import { tf, RandomStreams, type Tensor, type Tensor2D, type Tensor3D } from '@cristal/tensor';
import { memoryPotentials, patternMemory, disposePatternMemory } from './pattern-memory';
import { encodeQuery, disposeQueryCode } from './query-coding';
import { eventDrivenMembranes } from './spiking.test-helpers';
import { decodingFactor, finalTrace, presynapticInitialState, presynapticStep, spikeKernel, type SynapseKind } from './synaptic-integration';

/** Random signed spikes [T, B, d] with P(+1) = P(-1) = 0.2. */
function randomSpikes(rng: RandomStreams, shape: [number, number, number]): Tensor {
  return tf.tidy(() => {
    const u = rng.data.uniformTensor(shape);
    return tf.sub(tf.cast(tf.less(u, 0.2), 'float32'), tf.cast(tf.greater(u, 0.8), 'float32'));
  });
}

describe('synaptic integration', () => {
  const rng = new RandomStreams(4);
  const [steps, batch, dim, size] = [7, 3, 10, 6];
  const patterns = rng.init.normalTensor([size, dim]);
  const memory = patternMemory(patterns);
  const spikes = randomSpikes(rng, [steps, batch, dim]);
  const X = patterns.arraySync() as number[][];
  const S = spikes.arraySync() as number[][][];
  afterAll(() => {
    disposePatternMemory(memory);
    tf.dispose([patterns, spikes]);
  });

  it.each<[SynapseKind, number]>([
    ['delta', 1],
    ['delta', 0.8],
    ['step', 1],
    ['step', 0.7],
  ])('%s synapses, leak %f: the presynaptic-trace membranes equal the per-spike event-driven reference at every step', (synapse, leak) => {
    const reference = eventDrivenMembranes(X, S, synapse, leak);
    let state = presynapticInitialState(batch, dim);
    let maxDiff = 0;
    for (let t = 0; t < steps; t++) {
      const st = tf.tidy(() => tf.reshape(tf.slice(spikes, [t, 0, 0], [1, batch, dim]), [batch, dim]));
      const next = presynapticStep(state, st, synapse, leak);
      tf.dispose([st, state.trace, state.current]);
      state = next;
      const v = memoryPotentials(memory, state.trace);
      const got = v.arraySync() as number[][];
      v.dispose();
      got.forEach((row, b) => row.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - reference[t][b][i])))));
    }
    expect(maxDiff).toBeLessThan(1e-4);
    // the one-shot weighted sum over time gives the last step's membranes
    const fast = tf.tidy(() => memoryPotentials(memory, finalTrace(spikes as Tensor3D, synapse, leak)).arraySync() as number[][]);
    fast.forEach((row, b) => row.forEach((x, i) => expect(x).toBeCloseTo(reference[steps - 1][b][i], 4)));
    tf.dispose([state.trace, state.current]);
  });

  it('spikeKernel: leak^lag (delta); lag, or (1 - leak^lag) / (1 - leak) (step)', () => {
    expect(spikeKernel('delta', 0.5, 3)).toBe(0.125);
    expect(spikeKernel('step', 1, 5)).toBe(5);
    expect(spikeKernel('step', 0.5, 3)).toBeCloseTo(1 + 0.5 + 0.25, 12);
    expect(spikeKernel('step', 0.5, 0)).toBe(0);
  });
});

describe('decoding the membrane to beta X xi', () => {
  it('latency codes of values on the grid k / (T - 1) decode to xi exactly (step synapses)', () => {
    const steps = 9;
    const values = [[1, -0.5, 0.25, 0, -0.875, 0.125]];
    const q = tf.tensor2d(values);
    const code = encodeQuery(q, { coding: 'latency', steps });
    const decoded = tf.tidy(() => tf.div(finalTrace(code.spikes, 'step', 1), decodingFactor(code, 1)).arraySync() as number[][]);
    decoded[0].forEach((x, j) => expect(x).toBeCloseTo(values[0][j], 6));
    expect(() => decodingFactor(code, 0.9)).toThrow(/perfect integrator \(leak 1\)/);
    disposeQueryCode(code);
    q.dispose();
  });

  it.each([1, 0.9])('rate codes decode without bias (leak %f): the mean over 2000 codings is xi within 4 standard errors', (leak) => {
    const rows = 2000;
    const xi = [0.6, -0.3, 0.1, -1, 0];
    const q = tf.tile(tf.tensor2d([xi]), [rows, 1]);
    const code = encodeQuery(q, { coding: 'rate', steps: 12, gain: 0.7, stream: new RandomStreams(3).sampling });
    const decoded = tf.tidy(() => tf.div(finalTrace(code.spikes, 'delta', leak), decodingFactor(code, leak)) as Tensor2D);
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(decoded, 0);
      return { mean: m.mean.arraySync() as number[], variance: m.variance.arraySync() as number[] };
    });
    xi.forEach((x, j) => {
      if (x === 0) expect(variance[j]).toBe(0);
      else expect(Math.abs(mean[j] - x)).toBeLessThan(4 * Math.sqrt(variance[j] / rows));
    });
    tf.dispose([q, decoded]);
    disposeQueryCode(code);
  });
});
