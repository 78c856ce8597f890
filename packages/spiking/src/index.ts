// Public API of @cristal/spiking.
export { surrogate, spike, surrogateDerivative, surrogateDerivativeTensor, DEFAULT_SLOPES, type Surrogate, type SurrogateKind } from './surrogate/surrogates';
export { detach } from './surrogate/detach';
export { lifParameters, lifInitialState, lifStep, type LifParameters, type LifState, type LifOptions } from './neurons/lif';
export { lifScan, type LifScanOptions, type LifScanResult } from './kernels/lif-scan';
export { lifLinear, type LifLinearOptions, type LifLinearResult } from './kernels/lif-linear';
export { lifKernel, type ResetMode } from './kernels/lif-kernel';

// Fused training kernels (speed): a dense-LIF-dense block, a mean-membrane readout, the loss.
export { linearLifLinear, type LinearLifLinearWeights } from './kernels/linear-lif-linear';
export { lifMeanMembrane, type LifMeanMembraneOptions, type LifMeanMembraneResult } from './kernels/lif-mean-membrane';
export { softmaxCrossEntropy } from './kernels/softmax-cross-entropy';

// Neurons: parameters, initial state and a pure step function each.
export { alifParameters, alifInitialState, alifStep, type AlifParameters, type AlifState, type AlifOptions } from './neurons/alif';
export { synapticParameters, synapticInitialState, synapticStep, type SynapticParameters, type SynapticState, type SynapticOptions } from './neurons/synaptic';
export {
  recurrentLifParameters,
  recurrentLifInitialState,
  recurrentLifStep,
  type RecurrentLifParameters,
  type RecurrentLifState,
  type RecurrentLifOptions,
} from './neurons/recurrent-lif';
export {
  leakyIntegratorParameters,
  leakyIntegratorInitialState,
  leakyIntegratorStep,
  type LeakyIntegratorParameters,
  type LeakyIntegratorState,
  type LeakyIntegratorOptions,
} from './neurons/leaky-integrator';
export {
  IZHIKEVICH_PRESETS,
  izhikevichParameters,
  izhikevichInitialState,
  izhikevichStep,
  type IzhikevichParameters,
  type IzhikevichState,
  type IzhikevichOptions,
  type IzhikevichPreset,
} from './neurons/izhikevich';

// Fused ALIF scan.
export { alifScan, type AlifScanParameters, type AlifScanOptions, type AlifScanResult } from './kernels/alif-scan';
export { alifKernel } from './kernels/alif-kernel';

// Encoders [B, ...] -> [T, B, ...] and decoders [T, B, ...] -> [B, ...].
export { rateEncode, type RateEncodeOptions } from './encoders/rate';
export { poissonEncode, type PoissonEncodeOptions } from './encoders/poisson';
export { latencyEncode, latencyTimes, type LatencyEncodeOptions } from './encoders/latency';
export { deltaEncode, type DeltaEncodeOptions } from './encoders/delta';
export { directEncode } from './encoders/direct';
export { spikeCount, spikeRate } from './decoders/spike-count';
export { firstSpikeTime } from './decoders/first-spike';
export { maxMembrane } from './decoders/max-membrane';

// Plasticity.
export { stdpParameters, stdpInitialState, stdpStep, type StdpParameters, type StdpState, type StdpOptions } from './plasticity/stdp';

// Stateful layers (single-step `step` and multi-step `forward`).
export { NeuronLayer, type NeuronLayerOptions } from './layers/neuron-layer';
export { LIFLayer } from './layers/lif-layer';
export { ALIFLayer } from './layers/alif-layer';
export { SynapticLayer } from './layers/synaptic-layer';
export { RecurrentLIFLayer } from './layers/recurrent-lif-layer';
export { LeakyIntegratorLayer } from './layers/leaky-integrator-layer';
export { IzhikevichLayer } from './layers/izhikevich-layer';

// Spike and energy accounting.
export { SpikeRecorder, type LayerSpikeRecord, type RecordedLayer, type EnergyOptions } from './accounting/spike-recorder';

// Feedforward spiking networks (784 -> ... -> 10 LIF layers, direct-current input) and their ONNX export.
export {
  checkSpikingMlpSpec,
  spikingMlpSizes,
  SPIKING_READOUTS,
  type SpikingMlpSpec,
  type SpikingMlpLayer,
  type SpikingReadout,
} from './networks/spiking-mlp-spec';
export { spikingMlpForward, type SpikingMlpOutputs } from './networks/spiking-mlp-forward';
export {
  SpikingMlp,
  initSpikingMlp,
  spikingMlpTrainingForward,
  spikingMlpSpec,
  type SpikingMlpConfig,
  type SpikingMlpParameters,
  type SpikingMlpTrainingOutputs,
} from './networks/spiking-mlp-model';
export { exportSpikingMlp, exportSpikingMlpToFile, spikingMlpMetadata, SPIKE_COUNTS, type SpikingMlpExportOptions } from './onnx/spiking-mlp-exporter';
export { MACS_PER_SAMPLE_KEY, SPIKE_FANOUT_KEY, spikeCostMetadataProps, type SpikeCostMetadata } from './onnx/spike-cost-metadata';
export { emitSpikingMlp, stepLabel, type SpikingMlpGraph } from './onnx/spiking-mlp-graph';
export { emitLifLayer, type LifLayerDynamics, type LifLayerGraph } from './onnx/spiking-mlp-graph';
