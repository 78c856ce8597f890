// Public API of @cristal/info-homeostasis.

// Runner experiments (`lab run info-homeostasis:<name>`): calibration, shift, stability.
export { experiments } from './experiments/experiments';
export { METHODS, STOCHASTIC_METHODS, methodSchema, type MethodName, type MethodConfig, type HomeostasisConfig } from './methods/method-config';

// Sensors of information flow (per layer, plain numbers)
export { klPerParameter, klPerParameterByLayer } from './sensors/kl-per-parameter';
export { preActivationSnr, preActivationSnrByLayer, preActivationMoments, type PreActivationSnr } from './sensors/pre-activation-snr';
export { layerInputs, disposeLayerInputs } from './sensors/layer-inputs';
export { fisherTracePerParameter, type FisherTraceOptions, type FisherTracePerParameter } from './sensors/fisher-trace-per-parameter';

// Control: PI controller, set points, the per-layer homeostat
export { piStep, INITIAL_PI_STATE, type PiState, type PiStepResult } from './control/pi-step';
export { resolvePiGains, defaultTrackingGain, type PiGains, type ResolvedPiGains, type AntiWindup } from './control/pi-gains';
export { PiController } from './control/pi-controller';
export { fixedSetPoint, earlySetPoint, updateSetPoint, currentSetPoint, type SetPointState } from './control/set-point';
export { Homeostat } from './control/homeostat';
export { resolveHomeostatConfig, DEFAULT_LOOPS, type HomeostatConfig, type LoopConfig, type SetPointConfig } from './control/homeostat-config';
export { homeostatStep, actuatorValues, type HomeostatMeasurements } from './control/homeostat-step';
export { flattenHomeostatLog, type HomeostatUpdate, type LayerRecord, type LoopRecord, type ActuatorValues } from './control/homeostat-log';
export { type HomeostatState } from './control/homeostat-state';

// Models and methods
export { buildNetwork, parameterCount, ARCHITECTURES, type ArchitectureName, type ArchitectureConfig, type LayerKind } from './models/architecture';
export { sampleLayerwise, sampledProbabilities, meanProbabilities } from './models/forward';
export { trainMethod } from './methods/train-method';
export { layerWeightedElbo } from './methods/bayes-by-backprop';
export { homeostatFor, trainHomeostatic } from './methods/homeostatic';
export { ivonStepper } from './methods/ivon-method';
export { meanFisherDiagonal } from './methods/mean-fisher-diagonal';
export type { MethodData, MethodRequest, TrainedModel, Trajectories } from './methods/trained-model';
export { assessPredictive, type Assessment } from '@cristal/metrics';
