// Spiking predictive coding (src/spiking-pc/): error units emit stochastic signed spikes, value
// units integrate their traces, weights learn online from local traces on a stream of samples.
export { resolveSpikingPcOptions, traceGain, DEFAULT_SPIKING_PC_OPTIONS, type SpikingPcOptions, type SpikingPcOptionsInput, type ErrorChannel } from './spiking-pc-options';
export { spikeProbabilities, emitErrorSpikes, spikeCarriedError, expectedSpikeCarriedError, transmitErrors, type ErrorSpikes, type ChannelStep } from './spike-channel';
export { spikeProbability, spikeCarriedMean, spikeCarriedVariance, spikeCarriedBias, traceMean, traceVariance } from './channel-statistics';
export { traceStep } from './synaptic-trace';
export { errorUnitFanOut, synapticOperations, feedforwardMacs, predictionMacsPerStep } from './synaptic-operations';
export { spikingPcContext, initialSpikingState, unitPrecisionPcOptions, stateTensors, disposeReplacedState, type SpikingPcContext, type SpikingPcState } from './spiking-pc-state';
export { spikingInferenceStep, drawChannelUniforms } from './spiking-inference-step';
export { zeroEligibility, accumulateEligibility, eligibilityTotals, applyLocalUpdate, type Eligibility } from './local-learning';
export { runSpikingInference, disposeSpikingRun, spikingBatchReport, spikingPcLearningStep, type SpikingRun, type SpikingBatchReport, type SpikingLearningResult } from './spiking-pc-run';
export { SpikingPcLearner, errorSpikeStream, type SpikingPcLearnerOptions } from './spiking-pc-learner';
export { imageSetSource, arraySource, type LabelledSource } from './labelled-source';
export { runStream, sourceAccuracy, type OnlineLearner, type StreamPhase, type StreamPlan, type StreamEvaluation, type StreamRun } from './stream-runner';
export type { StreamWindow } from './stream-window';
export { runMnistSpikingStream, mnistRotationStreamPlan, mnistDefaultRMax, MNIST_SPIKING_STREAM_DEFAULTS, type MnistSpikingStreamConfig, type MnistSpikingStreamResult } from './mnist-stream';
export { baselineLearner, type BaselineKind } from './baseline-learners';
export { recoveryCurve, samplesToRecover, type RecoveryPoint } from './recovery';
