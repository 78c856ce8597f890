import { tf, type RandomStream, type Tensor, type Tensor1D, type Tensor2D } from '@cristal/tensor';
import { checkBeta } from './dense-retrieval';
import { escapeNoiseCounts, type SpikeSampler } from './escape-noise';
import { latencyWinnerTakeAll } from './latency-wta';
import { assertQueries, memoryPotentials, type PatternMemory } from './pattern-memory';
import { readoutFromCounts } from './pattern-readout';
import { poissonRaceCounts } from './poisson-race';
import { disposeQueryCode, encodeQuery, type QueryCode, type QueryCoding } from './query-coding';
import { retrievalActivity, type RetrievalActivity } from './retrieval-accounting';
import { softmaxFromCounts } from './softmax-estimate';
import { checkLeak, decodingFactor, finalTrace, synapseFor } from './synaptic-integration';

/** How the memory neurons turn their input into the output pattern. */
export type SpikingReadout =
  /** (a) independent escape-noise neurons, rate r0 exp(h_i - max h): counts / total estimate softmax(h). */
  | { kind: 'escape-noise'; steps: number; maxRate?: number; sampler?: SpikeSampler }
  /** (a') one spike per step won by a race of escape-noise neurons: counts ~ Multinomial(T, softmax(h)). */
  | { kind: 'poisson-race'; steps: number; sampler?: SpikeSampler }
  /** (b) the first memory neuron to reach `threshold` wins (beta -> infinity); decides within the input window. */
  | { kind: 'latency-wta'; threshold: number };

export interface SpikingRetrievalOptions {
  /** Inverse temperature of the softmax readouts (the latency WTA is its beta -> infinity limit and ignores it). */
  beta: number;
  coding: QueryCoding;
  /** Input window T_in in steps. */
  inputSteps: number;
  /** Rate coding gain in (0, 1], default 1 (see encodeQuery). */
  gain?: number;
  /** Coding scale, default 'per-query' (see encodeQuery). */
  scale?: number | 'per-query';
  /** Membrane decay per step of the memory neurons while the query arrives, (0, 1], default 1. */
  leak?: number;
  readout: SpikingReadout;
  /** Seeded randomness of the input spikes and of the memory neurons, drawn in that order. */
  stream: RandomStream;
}

export interface SpikingRetrievalResult {
  /** [B, d] the output pattern read out from the memory spikes: X^T (c / sum c), or the winner's x_i. */
  retrieved: Tensor2D;
  /** [B, N] the spiking estimate of softmax(beta X xi): normalised counts, or one-hot of the winner. Zero rows: no memory spike. */
  probabilities: Tensor2D;
  /** [B, N] memory-neuron spike counts. */
  memorySpikes: Tensor2D;
  /** [B] int32: the memory neuron with the most spikes (ties: lowest index) or the WTA winner; -1 without memory spikes. */
  winner: Tensor1D;
  /** [B] int32 (latency WTA only): step of the decision, -1 when undecided. */
  decisionStep: Tensor1D | null;
  /**
   * [B, N] (softmax readouts only): h = beta X (trace / c), the decoded input the memory neurons
   * sample from: the error of the retrieval splits into coding error (h vs beta X xi) and sampling
   * error (counts vs softmax(h)).
   */
  field: Tensor2D | null;
  activity: RetrievalActivity;
}

export function disposeSpikingRetrieval(result: SpikingRetrievalResult): void {
  tf.dispose([result.retrieved, result.probabilities, result.memorySpikes, result.winner]);
  if (result.decisionStep) result.decisionStep.dispose();
  if (result.field) result.field.dispose();
}

function total(t: Tensor): number {
  return tf.tidy(() => tf.sum(t).dataSync()[0]);
}

/** beta X (trace / c) [B, N]: beta times the decoded estimate of X xi, from the end of the input window. */
export function decodedField(memory: PatternMemory, code: QueryCode, beta: number, leak: number): Tensor2D {
  checkBeta(beta);
  return tf.tidy(() => {
    const trace = finalTrace(code.spikes, synapseFor(code.coding), leak);
    return memoryPotentials(memory, tf.mul(trace, tf.div(beta, decodingFactor(code, leak))));
  });
}

/**
 * Event-driven spiking modern Hopfield retrieval of a batch of queries [B, d]: the query arrives as
 * ON/OFF spikes (rate or latency coded) over T_in steps, each input spike adds its signed synaptic
 * row X[:, j] to the N memory neurons, and the memory neurons' spikes realise the softmax
 * (escape-noise counts or a Poisson race, over a readout window T) or its beta -> infinity limit
 * (latency winner-take-all); the output pattern is read out from the memory spikes.
 */
export function spikingRetrieval(memory: PatternMemory, queries: Tensor, options: SpikingRetrievalOptions): SpikingRetrievalResult {
  const { beta, coding, inputSteps, gain, scale, leak = 1, readout, stream } = options;
  assertQueries(memory, queries);
  checkLeak(leak);
  const kind = (readout as { kind: string } | undefined)?.kind;
  if (kind !== 'escape-noise' && kind !== 'poisson-race' && kind !== 'latency-wta') {
    throw new Error(`readout.kind must be 'escape-noise', 'poisson-race' or 'latency-wta', got '${kind}'.`);
  }
  if (readout.kind !== 'latency-wta') checkBeta(beta);
  const batch = queries.shape[0];
  const code = encodeQuery(queries, { coding, steps: inputSteps, gain, scale, stream });
  try {
    const counts = { queries: batch, storedPatterns: memory.size, dim: memory.dim, inputSteps };
    if (readout.kind === 'latency-wta') {
      const wta = latencyWinnerTakeAll(memory, code, { threshold: readout.threshold, leak });
      const { probabilities, retrieved } = tf.tidy(() => {
        const decided = tf.cast(tf.greaterEqual(wta.winner, 0), 'float32');
        return {
          probabilities: tf.cast(tf.oneHot(wta.winner, memory.size), 'float32') as Tensor2D, // -1 gives a zero row
          retrieved: tf.mul(tf.gather(memory.patterns, tf.maximum(wta.winner, tf.zerosLike(wta.winner))), tf.reshape(decided, [-1, 1])) as Tensor2D,
        };
      });
      const activity = retrievalActivity({
        ...counts,
        readoutSteps: 0,
        inputSpikes: total(wta.inputSpikes),
        memorySpikes: total(probabilities),
        lateralInhibition: true,
      });
      wta.inputSpikes.dispose();
      return { retrieved, probabilities, memorySpikes: probabilities.clone(), winner: wta.winner, decisionStep: wta.decisionStep, field: null, activity };
    }
    const field = decodedField(memory, code, beta, leak);
    const memorySpikes =
      readout.kind === 'escape-noise'
        ? escapeNoiseCounts(field, { steps: readout.steps, maxRate: readout.maxRate, sampler: readout.sampler, stream })
        : poissonRaceCounts(field, { steps: readout.steps, sampler: readout.sampler, stream });
    const { probabilities, winner } = tf.tidy(() => {
      const estimate = softmaxFromCounts(memorySpikes);
      const silent = tf.equal(estimate.total, 0);
      return {
        probabilities: estimate.probabilities,
        winner: tf.where(silent, tf.fill([batch], -1, 'int32'), tf.argMax(memorySpikes, 1)) as Tensor1D,
      };
    });
    const activity = retrievalActivity({
      ...counts,
      readoutSteps: readout.steps,
      inputSpikes: tf.tidy(() => total(tf.abs(code.spikes))),
      memorySpikes: total(memorySpikes),
      lateralInhibition: readout.kind === 'poisson-race',
    });
    const retrieved = readoutFromCounts(memory, memorySpikes);
    return { retrieved, probabilities, memorySpikes, winner, decisionStep: null, field, activity };
  } finally {
    disposeQueryCode(code);
  }
}
