// Spiking modern Hopfield retrieval (src/spiking/): event-driven query coding, synaptic
// integration, escape-noise / Poisson-race softmax readouts, latency winner-take-all, accounting.
export { patternMemory, disposePatternMemory, memoryPotentials, type PatternMemory } from './pattern-memory';
export { denseRetrieval, denseMacsPerQuery, type DenseRetrieval } from './dense-retrieval';
export { encodeQuery, disposeQueryCode, type QueryCoding, type QueryCodingOptions, type QueryCode } from './query-coding';
export {
  synapseFor,
  spikeKernel,
  presynapticInitialState,
  presynapticStep,
  finalTrace,
  decodingFactor,
  type SynapseKind,
  type PresynapticState,
} from './synaptic-integration';
export { escapeNoiseRates, escapeNoiseCounts, type EscapeNoiseOptions, type SpikeSampler } from './escape-noise';
export { poissonRaceCounts, type PoissonRaceOptions } from './poisson-race';
export { sampleBinomial, addCategoricalCounts, fillExponential } from './count-samplers';
export { softmaxFromCounts, type SoftmaxEstimate } from './softmax-estimate';
export { readoutFromCounts } from './pattern-readout';
export { latencyWinnerTakeAll, type LatencyWtaOptions, type LatencyWtaResult } from './latency-wta';
export { retrievalActivity, retrievalEnergy, type RetrievalActivity, type RetrievalEnergy } from './retrieval-accounting';
export {
  spikingRetrieval,
  decodedField,
  disposeSpikingRetrieval,
  type SpikingReadout,
  type SpikingRetrievalOptions,
  type SpikingRetrievalResult,
} from './spiking-retrieval';
export { SpikingHopfield } from './spiking-hopfield';
